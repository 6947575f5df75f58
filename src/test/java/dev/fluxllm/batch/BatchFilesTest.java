package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs files in the OpenAI Batch format: every input line gets one result line, whatever stops the run. */
class BatchFilesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;
    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
            .defaultModel(ScriptedLlmServer.DEFAULT_MODEL).retryPolicy(RetryPolicy.none()).build();

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    static String line(String customId, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"scripted-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}],\"max_tokens\":32,\"temperature\":0.2}}";
    }

    static Map<String, JsonNode> byCustomId(List<String> lines) {
        return lines.stream().map(JSON::readTree).collect(Collectors.toMap(n -> n.path("custom_id").asString(),
                Function.identity()));
    }

    @Test
    void goodLinesGetResponsesAndBadLinesGetErrorsNamingTheLine() throws IOException {
        server.setDefault(Reply.from(r -> Reply.text("echo: " + r.lastUserMessage())));
        Path input = dir.resolve("in.jsonl");
        Path output = dir.resolve("out.jsonl");
        Files.write(input, List.of(
                line("a", "one"),
                "this is not json",
                "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}",
                line("a", "again"),
                "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{}}",
                "{\"custom_id\":\"g\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}",
                "",
                line("b", "two"),
                "{\"custom_id\":\"m\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}"));

        BatchFileReport report = BatchFiles.run(client, input, output, BatchOptions.defaults()).block(Duration.ofSeconds(20));

        assertThat(report.lines()).isEqualTo(8);
        assertThat(report.succeeded()).isEqualTo(2);
        assertThat(report.invalid()).isEqualTo(6);
        assertThat(report.skipped()).isZero();
        List<String> out = Files.readAllLines(output);
        assertThat(out).hasSize(8);
        List<JsonNode> nodes = out.stream().map(JSON::readTree).toList();
        List<JsonNode> errors = nodes.stream().filter(n -> n.path("error").isObject()).toList();
        assertThat(errors).extracting(n -> n.path("error").path("code").asString() + "@" + n.path("error").path("line").asLong())
                .containsExactlyInAnyOrder("invalid_json@2", "missing_custom_id@3", "duplicate_custom_id@4",
                        "unsupported_url@5", "unsupported_method@6", "invalid_body@9");
        assertThat(errors).allSatisfy(n -> assertThat(n.path("error").path("message").asString())
                .startsWith("line " + n.path("error").path("line").asLong() + ": "));
        JsonNode dup = errors.stream().filter(n -> n.path("error").path("line").asLong() == 4).findFirst().orElseThrow();
        assertThat(dup.path("error").path("message").asString()).contains("'a'").contains("line 1");

        JsonNode a = nodes.stream().filter(n -> n.path("custom_id").asString().equals("a") && n.path("error").isNull())
                .findFirst().orElseThrow();
        assertThat(a.path("id").asString()).startsWith("batch_req_");
        assertThat(a.path("response").path("status_code").asInt()).isEqualTo(200);
        JsonNode body = a.path("response").path("body");
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("content").asString()).isEqualTo("echo: one");
        assertThat(body.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");

        // Sent as the line asked: model, messages and every other body field.
        JsonNode sent = server.requests().stream().map(r -> r.json())
                .filter(j -> j.path("messages").get(0).path("content").asString().equals("two")).findFirst().orElseThrow();
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(32);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aFailedRequestIsAnErrorResultInOpenAisOutputFormat() throws IOException {
        server.setDefault(Reply.from(r -> r.lastUserMessage().equals("bad")
                ? Reply.error(400, "invalid_request_error", "no such parameter")
                : Reply.text("fine")));
        Path input = dir.resolve("in.jsonl");
        Path output = dir.resolve("out.jsonl");
        Files.write(input, List.of(line("ok", "good"), line("ko", "bad")));

        BatchFileReport report = BatchFiles.run(client, input, output, BatchOptions.defaults()).block(Duration.ofSeconds(20));

        assertThat(report.succeeded()).isEqualTo(1);
        assertThat(report.failed()).isEqualTo(1);
        JsonNode ko = byCustomId(Files.readAllLines(output)).get("ko");
        assertThat(ko.path("response").path("status_code").asInt()).isEqualTo(400);
        assertThat(ko.path("response").path("body").path("error").path("message").asString()).contains("no such parameter");
        assertThat(ko.path("error").path("message").asString()).contains("no such parameter");
        assertThat(BatchLines.read(Files.readAllLines(output).get(0)).customId()).isIn("ok", "ko");
    }

    @Test
    void stoppedMidwayWithATornLineThenRerunEveryInputHasExactlyOneResult() throws IOException {
        server.setDefault(Reply.from(r -> Reply.text("echo: " + r.lastUserMessage()).delay(Duration.ofMillis(5))));
        Path input = dir.resolve("in.jsonl");
        Path output = dir.resolve("out.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add(i == 150 ? "not json at all" : line("req-" + i, "prompt " + i));
        }
        Files.write(input, lines);
        BatchOptions options = BatchOptions.builder().maxConcurrency(8).build();

        // A stop midway, as a kill would, then a torn last line as a kill during a write leaves.
        Disposable first = BatchFiles.run(client, input, output, options).subscribe();
        Eventually.await(() -> lineCount(output) >= 100, Duration.ofSeconds(20), "100 results written");
        first.dispose();
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(5), "calls cancelled");
        long before = lineCount(output);
        assertThat(before).isLessThan(300);
        Files.writeString(output, "{\"id\":\"batch_req_x\",\"custom_id\":\"req-299\",\"resp", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        BatchFileReport second = BatchFiles.run(client, input, output, options).block(Duration.ofSeconds(30));

        List<String> out = Files.readAllLines(output);
        assertThat(out).hasSize(300);
        assertThat(second.skipped()).isEqualTo(before);
        assertThat(second.written()).isEqualTo(300 - before);
        List<JsonNode> nodes = out.stream().map(JSON::readTree).toList();
        assertThat(nodes.stream().filter(n -> n.path("error").isNull()).map(n -> n.path("custom_id").asString()).sorted())
                .doesNotHaveDuplicates().hasSize(299);
        assertThat(nodes.stream().filter(n -> n.path("error").path("code").asString().equals("invalid_json")))
                .singleElement().satisfies(n -> assertThat(n.path("error").path("line").asLong()).isEqualTo(151));

        // A third run finds nothing to do.
        BatchFileReport third = BatchFiles.run(client, input, output, options).block(Duration.ofSeconds(30));
        assertThat(third.written()).isZero();
        assertThat(third.skipped()).isEqualTo(300);
        assertThat(Files.readAllLines(output)).hasSize(300);
    }

    static long lineCount(Path file) {
        try {
            return Files.notExists(file) ? 0 : Files.readAllLines(file).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
