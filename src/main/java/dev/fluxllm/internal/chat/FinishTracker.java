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

    // Choice 0 (nearly every stream has only that one) costs two booleans; the others, sets made on demand.
    private boolean seen0;
    private boolean finished0;
    private Set<Integer> seen;
    private Set<Integer> finished;

    void add(ChatChunk chunk) {
        List<ChunkChoice> choices = chunk.choices();
        for (int i = 0, n = choices.size(); i < n; i++) {
            ChunkChoice c = choices.get(i);
            int index = Math.max(c.index(), 0);
            boolean finishes = c.finishReason() != null;
            if (index == 0) {
                seen0 = true;
                finished0 |= finishes;
                continue;
            }
            if (seen == null) {
                seen = new HashSet<>(4);
                finished = new HashSet<>(4);
            }
            seen.add(index);
            if (finishes) {
                finished.add(index);
            }
        }
    }

    /** Returns whether at least one choice was seen and each one seen has finished. */
    boolean allFinished() {
        if (!seen0 && seen == null) {
            return false;
        }
        if (seen0 && !finished0) {
            return false;
        }
        return seen == null || finished.containsAll(seen);
    }
}
