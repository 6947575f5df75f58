package dev.fluxllm.internal.sse;

import dev.fluxllm.ErrorDetails;
import dev.fluxllm.MalformedResponseException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Accumulates bytes in a reusable array that grows by doubling up to a fixed limit, so a stream's
 * memory stays bounded however long its events are.
 */
final class BoundedBytes {

    private static final int INITIAL_CAPACITY = 256;
    private static final byte[] EMPTY = new byte[0];

    private final int limit;
    private final String what;
    private byte[] bytes;
    private int length;

    /**
     * Creates an empty buffer.
     *
     * @param limit the most bytes it may hold
     * @param what  what the bytes are, for the error message ("SSE event", "SSE field line")
     */
    BoundedBytes(int limit, String what) {
        this.limit = limit;
        this.what = what;
        // Allocated on first use: most events never pass through here (see SseDecoder), and
        // thousands of open streams each keep one.
        this.bytes = EMPTY;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    /** Appends one byte; throws when the limit would be exceeded. */
    void append(byte b) {
        ensureRoom(1);
        bytes[length++] = b;
    }

    /** Appends count bytes of an array; throws when the limit would be exceeded. */
    void append(byte[] source, int from, int count) {
        ensureRoom(count);
        System.arraycopy(source, from, bytes, length, count);
        length += count;
    }

    /** Returns whether any of the held bytes equals b. */
    boolean contains(byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether the held bytes are the ASCII characters of {@code text}. */
    boolean equalsAscii(String text) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b < 0 || b != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Decodes the held bytes as UTF-8. */
    String toUtf8() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    MalformedResponseException tooLarge() {
        return new MalformedResponseException(what + " exceeds the maximum event size of " + limit + " bytes",
                ErrorDetails.of(false), null);
    }

    private void ensureRoom(int count) {
        // Compared as long: length + count may exceed Integer.MAX_VALUE with a limit near it.
        long needed = (long) length + count;
        if (needed > limit) {
            throw tooLarge();
        }
        if (needed > bytes.length) {
            long doubled = Math.max(Math.max(needed, (long) bytes.length * 2), INITIAL_CAPACITY);
            bytes = Arrays.copyOf(bytes, (int) Math.min(doubled, limit));
        }
    }
}
