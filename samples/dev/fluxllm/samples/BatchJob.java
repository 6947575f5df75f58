package dev.fluxllm.samples;

import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchProgress;
import dev.fluxllm.batch.BatchResult;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a JSONL file of prompts through a rate-limited endpoint into a JSONL file of results,
 * resumably: a rerun after a kill skips the indices already written, so the output ends with each
 * index exactly once.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dsample=BatchJob -Dexec.args="prompts.jsonl results.jsonl"
 * </pre>
 *
 * <p>Input lines are {@code {"prompt": "..."}}; the index of a prompt is its line number (from 0).
 * Output lines are {@code {"index":7,"ok":true,"text":"...","attempts":1,"latency_ms":412}} or
 * {@code {"index":7,"ok":false,"error":"..."}}, in input order, each written and flushed whole.
 * When the input file does not exist, 200 demo prompts are written to it first.
 *
 * <p>With {@code OPENAI_BASE_URL} unset, an embedded {@link ScriptedLlmServer} plays the model and
 * answers every 25th call with a 429, so the batch's adaptive limit has something to do.
 */
public final class BatchJob {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BatchJob() {
    }

    public static void main(String[] args) {
        Path input = Path.of(args.length > 0 ? args[0] : "prompts.jsonl");
        Path output = Path.of(args.length > 1 ? args[1] : "results.jsonl");
        String baseUrl = System.getenv("OPENAI_BASE_URL");
        ScriptedLlmServer server = null;
        if (baseUrl == null || baseUrl.isBlank()) {
            server = embeddedServer();
            baseUrl = server.baseUrl();
            System.err.println("[sample] OPENAI_BASE_URL is not set: using an embedded ScriptedLlmServer");
        }
        String model = System.getenv().getOrDefault("OPENAI_MODEL", ScriptedLlmServer.DEFAULT_MODEL);
        try (OpenAiCompatClient client = OpenAiCompatClient.builder().name("batch-job").baseUrl(baseUrl)
                .apiKeyFromEnv("OPENAI_API_KEY").defaultModel(model).build()) {
            if (Files.notExists(input)) {
                writeDemoPrompts(input, 200);
            }
            AtomicReference<BatchProgress> latest = new AtomicReference<>();
            BatchOptions options = BatchOptions.builder()
                    .maxConcurrency(32)
                    .requestsPerMinute(6_000)
                    .onProgress(latest::set)
                    .build();
            // Redraw the progress line twice a second, off the event loops.
            var ticker = Flux.interval(Duration.ofMillis(500), Schedulers.boundedElastic())
                    .subscribe(t -> drawProgress(latest.get()));
            long written = run(client, input, output, options).count().block();
            ticker.dispose();
            drawProgress(latest.get());
            System.err.println();
            System.out.println("Wrote " + written + " results to " + output + " (" + countLines(output) + " lines in all)");
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * Runs the job: skips the indices {@code output} already holds, sends the other prompts through
     * {@code client.generateAll}, and appends each result as one flushed line. Emits each result
     * once it is written. Cancelling stops the batch; the output stays valid (a torn last line,
     * from a kill during a write, is cut off by the next run).
     */
    public static Flux<BatchResult> run(OpenAiCompatClient client, Path input, Path output, BatchOptions options) {
        return Mono.fromCallable(() -> readDoneIndices(output))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(done -> {
                    // The batch sees only the pending prompts; this maps each request back to its line.
                    Map<ChatRequest, Long> lineOf = new ConcurrentHashMap<>();
                    Flux<ChatRequest> pending = prompts(input)
                            .filter(p -> !done.get((int) p.index()))
                            .map(p -> {
                                lineOf.put(p.request(), p.index());
                                return p.request();
                            });
                    return Flux.using(() -> Files.newOutputStream(output, StandardOpenOption.CREATE,
                                    StandardOpenOption.APPEND),
                            out -> client.generateAll(pending, options)
                                    // Blocking file writes belong on boundedElastic, never on an event loop.
                                    .publishOn(Schedulers.boundedElastic(), 32)
                                    .doOnNext(r -> writeLine(out, toJson(lineOf.remove(r.request()), r))),
                            BatchJob::closeQuietly);
                });
    }

    /** One input line: its index and the request built from it. */
    record Prompt(long index, ChatRequest request) {
    }

    /** Reads the prompts lazily, one line at a time, as the batch pulls them. */
    static Flux<Prompt> prompts(Path input) {
        AtomicLong line = new AtomicLong();
        return Flux.using(() -> Files.newBufferedReader(input, StandardCharsets.UTF_8),
                        reader -> Flux.fromStream(reader.lines()),
                        BatchJob::closeQuietly)
                .subscribeOn(Schedulers.boundedElastic())
                .map(text -> {
                    long index = line.getAndIncrement();
                    JsonNode node = JSON.readTree(text);
                    return new Prompt(index, ChatRequest.builder()
                            .user(node.path("prompt").asString())
                            .maxTokens(256)
                            .build());
                });
    }

    /**
     * Reads the indices already in {@code output}. A last line without its newline is what a kill
     * during a write leaves: the file is cut back to the last whole line, and that index redone.
     */
    static BitSet readDoneIndices(Path output) throws IOException {
        BitSet done = new BitSet();
        if (Files.notExists(output)) {
            return done;
        }
        try (FileChannel channel = FileChannel.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = size;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                channel.truncate(keep);
            }
        }
        try (BufferedReader reader = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            String text;
            while ((text = reader.readLine()) != null) {
                if (!text.isBlank()) {
                    done.set(JSON.readTree(text).path("index").asInt());
                }
            }
        }
        return done;
    }

    static String toJson(long index, BatchResult result) {
        ObjectNode node = JSON.createObjectNode().put("index", index).put("ok", result.isSuccess());
        if (result.isSuccess()) {
            node.put("text", result.response().text());
        } else {
            node.put("error", String.valueOf(result.error().getMessage()));
        }
        node.put("attempts", result.attempts()).put("latency_ms", result.latency().toMillis());
        return JSON.writeValueAsString(node);
    }

    /** Writes one whole line in one write, then flushes, so a kill leaves at most a torn last line. */
    private static void writeLine(OutputStream out, String json) {
        try {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Nothing more to save.
        }
    }

    static void writeDemoPrompts(Path input, int count) {
        try {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < count; i++) {
                text.append(JSON.writeValueAsString(Map.of("prompt", "Give one fun fact about the number " + i)))
                        .append('\n');
            }
            Files.writeString(input, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long countLines(Path output) {
        try (var lines = Files.lines(output)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drawProgress(BatchProgress progress) {
        if (progress != null) {
            System.err.print("\r" + progress + "   ");
        }
    }

    /** Plays the model: echoes each prompt after 20 ms, and answers every 25th call with a 429. */
    static ScriptedLlmServer embeddedServer() {
        ScriptedLlmServer server = ScriptedLlmServer.start();
        AtomicLong calls = new AtomicLong();
        server.setDefault(Reply.from(request -> calls.incrementAndGet() % 25 == 0
                ? Reply.error(429, "Rate limit reached").header("retry-after-ms", "200")
                : Reply.text("Fact for: " + request.lastUserMessage()).delay(Duration.ofMillis(20))));
        return server;
    }
}
