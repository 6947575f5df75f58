package dev.fluxllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Reply#latency}: the whole answer, headers included, waits; a non-streamed one too. */
class ReplyLatencyTest {

    @Test
    void latencyDelaysANonStreamedAnswer() {
        try (ScriptedLlmServer server = ScriptedLlmServer.start();
             OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
                     .defaultModel(ScriptedLlmServer.DEFAULT_MODEL).build()) {
            server.setDefault(Reply.text("warm"));
            client.generate(ChatRequest.builder().user("warm up").build()).block(Duration.ofSeconds(5));
            server.setDefault(Reply.from(r -> Reply.text("late")).latency(Duration.ofMillis(300)));

            long t0 = System.nanoTime();
            String text = client.generate(ChatRequest.builder().user("hi").build()).block(Duration.ofSeconds(5)).text();

            assertThat(text).isEqualTo("late");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void negativeLatencyIsRefused() {
        assertThatThrownBy(() -> Reply.text("x").latency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency");
    }
}
