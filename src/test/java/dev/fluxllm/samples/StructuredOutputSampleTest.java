package dev.fluxllm.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the StructuredOutput sample against its scripted server and checks what it prints. */
class StructuredOutputSampleTest {

    @Test
    void extractsTheContactThenStreamsEachTaskInOrder() {
        try (SampleEnvironment env = SampleEnvironment.embedded(StructuredOutput::script)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StructuredOutput.run(env, new PrintStream(bytes, true, UTF_8));
            String text = bytes.toString(UTF_8);

            assertThat(text).contains("contact: Contact[name=Ada Lovelace, company=Analytical Engines Ltd, "
                    + "email=ada@engines.example, phone=Optional.empty]");
            assertThat(text).containsSubsequence("Ship the parser", "Review the release notes", "Book the venue",
                    "3 tasks, each validated");
            assertThat(env.server().requests().get(0).json().at("/response_format/json_schema/name").asString())
                    .isEqualTo("Contact");
            assertThat(env.server().requests().get(1).json().path("stream").asBoolean()).isTrue();
            Eventually.await(() -> env.client().activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        }
    }
}
