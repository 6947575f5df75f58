package dev.fluxllm.internal.chat;

import java.util.HashSet;
import java.util.Set;

/**
 * Tracks which choices a stream has seen and which reported a finish reason: the choices other
 * than 0, which {@link ChatStreamDecoder} tracks itself (nearly every stream has only that one,
 * and each open stream would keep this object). Sets, not bit sets: a hostile
 * {@code "index": 2000000000} must not cost the client 250 MB.
 */
final class FinishTracker {

    private final Set<Integer> seen = new HashSet<>(4);
    private final Set<Integer> finished = new HashSet<>(4);

    void add(int index, boolean finishes) {
        seen.add(index);
        if (finishes) {
            finished.add(index);
        }
    }

    /** Returns whether each choice seen has finished. */
    boolean allFinished() {
        return finished.containsAll(seen);
    }
}
