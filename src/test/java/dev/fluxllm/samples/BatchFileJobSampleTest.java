package dev.fluxllm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.batch.BatchFileReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the BatchFileJob sample, cuts its output as a kill would, and checks the rerun's tally. */
class BatchFileJobSampleTest {

    @TempDir
    Path dir;

    @Test
    void firstRunAnswersEveryLineAndARerunAfterAKillRedoesOnlyTheLostOnes() throws IOException {
        Path input = dir.resolve("requests.jsonl");
        Path output = dir.resolve("results.jsonl");
        try (SampleEnvironment env = SampleEnvironment.embedded(BatchFileJob::script)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BatchFileReport first = BatchFileJob.run(env, input, output, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(bytes.toString(StandardCharsets.UTF_8))
                    .isEqualTo("502 lines: 0 already done, 500 succeeded, 0 failed, 2 invalid; 502 result lines in results.jsonl\n");
            assertThat(first.written()).isEqualTo(502);

            // A kill: the last 50 results were never written, and the one being written is torn.
            List<String> lines = Files.readAllLines(output);
            Files.write(output, lines.subList(0, 452));
            Files.writeString(output, lines.get(452).substring(0, 20), StandardOpenOption.APPEND);

            bytes.reset();
            BatchFileReport second = BatchFileJob.run(env, input, output, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(second.skipped()).isEqualTo(452);
            assertThat(second.written()).isEqualTo(50);
            assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("; 502 result lines in results.jsonl\n");
            assertThat(Files.readAllLines(output)).hasSize(502).doesNotHaveDuplicates();
        }
    }
}
