package dev.fluxllm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the KafkaBatchJob sample on the embedded broker and checks its tally: nothing lost after the kill. */
class KafkaBatchJobSampleTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyRequestIsAnsweredAfterOneOfThreeWorkersIsKilled() {
        try (SampleEnvironment env = SampleEnvironment.embedded(KafkaBatchJob::script)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            KafkaBatchJob.Tally tally = KafkaBatchJob.run(EmbeddedKafka.shared().bootstrapServers(), env, 2_000,
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));

            assertThat(tally.answered()).isEqualTo(2_000);
            assertThat(tally.killedAt()).isBetween(1_000L, 2_000L);
            assertThat(tally.resultRecords()).isGreaterThanOrEqualTo(2_000);
            assertThat(tally.failed()).isZero();
            String text = bytes.toString(StandardCharsets.UTF_8);
            assertThat(text).containsPattern("killing sample-0 at \\d+ answered: ")
                    .contains("sample-1: ").contains("sample-2: ")
                    .containsPattern("output topic fluxllm-sample-results: JobTally\\[records=\\d+, answered=2000, failed=0, duplicates=\\d+\\]")
                    .containsPattern("2000 requests over 6 partitions, 3 workers, one killed at \\d+ answered: "
                            + "2000 answered, \\d+ result records \\(\\d+ redone after the kill\\), 0 failed\\n$");
        }
    }
}
