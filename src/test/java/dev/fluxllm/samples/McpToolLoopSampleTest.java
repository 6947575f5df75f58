package dev.fluxllm.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Runs the McpToolLoop sample offline and checks what it prints and what the model was sent. */
class McpToolLoopSampleTest {

    @Test
    void mcpToolsRunInTheLoopAndTheirResultsReachTheModel() {
        try (SampleEnvironment env = SampleEnvironment.embedded(McpToolLoop::script)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            McpToolLoop.run(env, new PrintStream(bytes, true, UTF_8));
            String text = bytes.toString(UTF_8);

            assertThat(text).contains("MCP server 'weather-archive' offers: [get_forecast, search_archive]");
            assertThat(text).contains("get_forecast -> {").contains("\"celsius\":18");
            assertThat(text).contains("search_archive -> Snow in June: 1923 (Oslo)");
            assertThat(text).contains("answer after 2 turns").contains(McpToolLoop.ANSWER);
            JsonNode second = env.server().requests().get(1).json().path("messages");
            assertThat(second).extracting(m -> m.path("role").asString()).containsExactly("user", "assistant", "tool", "tool");
            Eventually.await(() -> env.client().activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        }
    }
}
