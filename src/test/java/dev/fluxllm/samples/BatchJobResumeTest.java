package dev.fluxllm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchResult;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Stops the BatchJob sample midway, as a kill would, and checks that a rerun completes the output exactly. */
class BatchJobResumeTest {

    @TempDir
    Path dir;
    final ScriptedLlmServer server = BatchJob.embeddedServer();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
            .defaultModel(ScriptedLlmServer.DEFAULT_MODEL).retryPolicy(RetryPolicy.none()).build();

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    @Test
    void rerunAfterAStopWritesEachIndexExactlyOnce() throws IOException {
        Path input = dir.resolve("prompts.jsonl");
        Path output = dir.resolve("results.jsonl");
        BatchJob.writeDemoPrompts(input, 200);
        BatchOptions options = BatchOptions.builder().maxConcurrency(16)
                .rateLimitBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();

        // First run, stopped after 100 results; then a kill during a write leaves a torn line.
        List<BatchResult> first = BatchJob.run(client, input, output, options).take(100)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(first).hasSize(100);
        assertThat(Files.readAllLines(output)).hasSize(100);
        Files.writeString(output, "{\"index\":150,\"ok\":tr", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        List<BatchResult> second = BatchJob.run(client, input, output, options)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(second).hasSize(100);
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(200);
        JsonMapper json = JsonMapper.builder().build();
        List<Long> indices = lines.stream().map(l -> json.readTree(l).path("index").asLong()).sorted().toList();
        assertThat(indices).isEqualTo(LongStream.range(0, 200).boxed().collect(Collectors.toList()));
        assertThat(lines).allSatisfy(l -> assertThat(json.readTree(l).path("ok").asBoolean()).isTrue());

        // A third run finds nothing left to do.
        assertThat(BatchJob.run(client, input, output, options).collectList().block(Duration.ofSeconds(30))).isEmpty();
        assertThat(Files.readAllLines(output)).hasSize(200);
    }
}
