package dev.fluxllm.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Runs the ResponsesStreaming sample against its scripted server and checks what it prints and sends. */
class ResponsesStreamingSampleTest {

    @Test
    void streamsTextThenAFunctionCallThenTheAnswer() {
        try (SampleEnvironment env = SampleEnvironment.embedded(ResponsesStreaming::script)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ResponsesStreaming.run(env, new PrintStream(bytes, true, UTF_8));
            String text = bytes.toString(UTF_8);

            assertThat(text).startsWith(ResponsesStreaming.GREETING + "\n");
            assertThat(text).contains("arguments streamed in 5 deltas: {\"ci|ty\":|\"Lis|bon\"|}");
            assertThat(text).contains("calling get_weather(Lisbon), call id call_lisbon");
            assertThat(text).contains("answer: " + ResponsesStreaming.ANSWER).contains("status: completed");
            JsonNode last = env.server().lastRequest().json().path("input");
            assertThat(last).extracting(i -> i.path("type").asString("message"))
                    .containsExactly("message", "function_call", "function_call_output");
            Eventually.await(() -> env.client().activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        }
    }
}
