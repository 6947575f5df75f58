package dev.fluxllm.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Holds what an output file already answers: the {@code custom_id}s with a result and the input
 * lines reported invalid. Reading it cuts off a torn last line (what a kill during a write
 * leaves), so that input is redone.
 */
final class ResumeState {

    final Set<String> doneIds = new HashSet<>();
    final Set<Long> doneLines = new HashSet<>();
    long truncatedBytes;

    static ResumeState read(Path output) throws IOException {
        ResumeState state = new ResumeState();
        if (Files.notExists(output)) {
            return state;
        }
        try (FileChannel channel = FileChannel.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
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
                state.truncatedBytes = size - keep;
            }
        }
        try (BufferedReader reader = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            String text;
            long n = 0;
            while ((text = reader.readLine()) != null) {
                n++;
                if (text.isBlank()) {
                    continue;
                }
                BatchOutcome outcome;
                try {
                    outcome = BatchLines.read(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("output line " + n + " is not a batch result: " + e.getMessage(), e);
                }
                if (outcome.isInvalidInput()) {
                    state.doneLines.add(outcome.line());
                } else if (outcome.customId() != null) {
                    state.doneIds.add(outcome.customId());
                }
            }
        }
        return state;
    }
}
