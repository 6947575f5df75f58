package dev.fluxllm.internal.chat;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tracks which choices a stream has seen and which reported a finish reason. Sets, not bit sets:
 * a hostile {@code "index": 2000000000} must not cost the client 250 MB.
 */
final class FinishTracker {

    private final Set<Integer> seen = new HashSet<>(4);
    private final Set<Integer> finished = new HashSet<>(4);

    void add(ChatChunk chunk) {
        List<ChunkChoice> choices = chunk.choices();
        for (int i = 0, n = choices.size(); i < n; i++) {
            ChunkChoice c = choices.get(i);
            int index = Math.max(c.index(), 0);
            seen.add(index);
            if (c.finishReason() != null) {
                finished.add(index);
            }
        }
    }

    /** Returns whether at least one choice was seen and each one seen has finished. */
    boolean allFinished() {
        if (seen.isEmpty()) {
            return false;
        }
        return finished.containsAll(seen);
    }
}
