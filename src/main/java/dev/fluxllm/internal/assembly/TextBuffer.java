package dev.fluxllm.internal.assembly;

import java.util.Arrays;

/**
 * Appends deltas into a {@code char[]}: a {@link StringBuilder} turns UTF-16 at the first
 * character outside Latin-1 (an emoji in the answer), after which every Latin-1 delta is inflated
 * byte by byte on append; copying a string's chars into a char array is one intrinsic. The final
 * {@link #toString} compresses back to Latin-1 when it can.
 */
final class TextBuffer {

    private char[] chars;
    private int length;

    TextBuffer(int capacity) {
        chars = new char[capacity];
    }

    void append(String s) {
        int n = s.length();
        if (chars.length - length < n) {
            // Doubling (at least to fit): the copies stay linear in the answer's length.
            chars = Arrays.copyOf(chars, Math.max(length + n, chars.length * 2));
        }
        s.getChars(0, n, chars, length);
        length += n;
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
