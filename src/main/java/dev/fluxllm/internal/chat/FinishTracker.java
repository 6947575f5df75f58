package dev.fluxllm.internal.chat;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import java.util.BitSet;
import java.util.List;

/** Tracks which choices a stream has seen and which reported a finish reason. */
final class FinishTracker {

    private final BitSet seen = new BitSet(1);
    private final BitSet finished = new BitSet(1);

    void add(ChatChunk chunk) {
        List<ChunkChoice> choices = chunk.choices();
        for (int i = 0, n = choices.size(); i < n; i++) {
            ChunkChoice c = choices.get(i);
            int index = Math.max(c.index(), 0);
            seen.set(index);
            if (c.finishReason() != null) {
                finished.set(index);
            }
        }
    }

    /** Returns whether at least one choice was seen and each one seen has finished. */
    boolean allFinished() {
        if (seen.isEmpty()) {
            return false;
        }
        BitSet open = (BitSet) seen.clone();
        open.andNot(finished);
        return open.isEmpty();
    }
}
