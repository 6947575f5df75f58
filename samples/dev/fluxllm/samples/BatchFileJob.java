package dev.fluxllm.samples;

import dev.fluxllm.batch.BatchFileReport;
import dev.fluxllm.batch.BatchFiles;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a JSONL file in the OpenAI Batch API's input format into a JSONL file in its output
 * format; run it again after a kill (Ctrl-C) and it resumes where it stopped.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dsample=BatchFileJob -Dexec.args="requests.jsonl results.jsonl"
 * </pre>
 *
 * <p>When the input does not exist, 500 demo requests are written to it first, with two lines
 * that cannot be sent (not JSON, a duplicate {@code custom_id}): they get error results. Without
 * {@code OPENAI_BASE_URL}, an embedded server plays the model and answers every 25th call with a 429.
 */
public final class BatchFileJob {

    private BatchFileJob() {
    }

    public static void main(String[] args) {
        Path input = Path.of(args.length > 0 ? args[0] : "requests.jsonl");
        Path output = Path.of(args.length > 1 ? args[1] : "results.jsonl");
        System.exit(SampleEnvironment.runMain(BatchFileJob::script, (env, out) -> run(env, input, output, out)));
    }

    /** Runs the file once (resuming what an earlier run left) and prints the tally. */
    static BatchFileReport run(SampleEnvironment env, Path input, Path output, PrintStream out) throws IOException {
        if (Files.notExists(input)) {
            writeDemo(input, env.model(), 500);
        }
        BatchOptions options = BatchOptions.builder()
                .maxConcurrency(32)
                .rateLimitBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .build();
        BatchFileReport report = BatchFiles.run(env.client(), input, output, options).block();
        out.printf("%d lines: %d already done, %d succeeded, %d failed, %d invalid; %d result lines in %s%n",
                report.lines(), report.skipped(), report.succeeded(), report.failed(), report.invalid(),
                Files.readAllLines(output).size(), output.getFileName());
        return report;
    }

    static void writeDemo(Path input, String model, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add("{\"custom_id\":\"request-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                    + "\"body\":{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"Give one fun fact about the number " + i + "\"}],\"max_tokens\":64}}");
        }
        lines.add("this line is not JSON");
        lines.add(lines.get(0));
        Files.write(input, lines);
    }

    /** Plays the model: an answer after 10 ms, and a 429 on every 25th call. */
    static void script(ScriptedLlmServer server) {
        AtomicLong calls = new AtomicLong();
        server.setDefault(Reply.from(request -> calls.incrementAndGet() % 25 == 0
                ? Reply.error(429, "Rate limit reached").header("retry-after-ms", "100")
                : Reply.text("Fact for: " + request.lastUserMessage()).delay(Duration.ofMillis(10))));
    }
}
