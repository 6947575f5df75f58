package dev.fluxllm.responses;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks that each {@code .done} event's full value equals the concatenation of its deltas,
 * without keeping the text: per part it keeps the length and the running {@link String#hashCode()}
 * of the concatenation ({@code hash(a + b) = hash(a) * 31^len(b) + hash(b)}), so an open stream
 * costs a few words per part whatever it says.
 */
final class DeltaCheck {

    private final Map<String, long[]> parts = new HashMap<>();

    /** Adds a delta to the part named {@code key}. */
    void delta(String key, String delta) {
        long[] state = parts.computeIfAbsent(key, k -> new long[2]);
        state[0] = (int) (state[0] * pow31(delta.length())) + delta.hashCode();
        state[1] += delta.length();
    }

    /**
     * Compares the full value with the deltas seen; returns a description of the difference, null
     * when they agree or when no delta came for the part (a server may send only the full value).
     */
    String done(String key, String full) {
        long[] state = parts.remove(key);
        if (state == null) {
            return null;
        }
        if (state[1] == full.length() && (int) state[0] == full.hashCode()) {
            return null;
        }
        return key + ": the deltas make " + state[1] + " characters, the done event's value " + full.length()
                + (state[1] == full.length() ? " with other content" : "") + "; the done value is taken";
    }

    private static long pow31(int n) {
        int result = 1;
        int base = 31;
        while (n > 0) {
            if ((n & 1) != 0) {
                result *= base;
            }
            base *= base;
            n >>= 1;
        }
        return result;
    }
}
