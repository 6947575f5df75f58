package dev.fluxllm.internal.bytes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds bytes in arrays eight at a time (SWAR: a long read, bit tricks to flag the wanted bytes,
 * the lowest flag's position), for the scans that dominate decoding a stream: line ends in SSE,
 * the end of a JSON string.
 */
public final class ByteScan {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LF = '\n' * ONES;
    private static final long CR = '\r' * ONES;
    private static final long QUOTE = '"' * ONES;
    private static final long BACKSLASH = '\\' * ONES;
    private static final long SPACE = ' ' * ONES;
    /** For the "some byte is below 0x0E" test ((x - n * ONES) & ~x & HIGHS, exact for n up to 0x80). */
    private static final long BELOW_SO = 0x0E * ONES;

    private ByteScan() {
    }

    /** Returns the index of the first CR or LF in a[from, to), or -1 when there is none. */
    public static int indexOfLineEnd(byte[] a, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(a, i);
            // A cheap filter first: any byte below 0x0E (LF and CR are) flags the word; such bytes
            // are rare in event data, so the exact test below runs for few words.
            if (((x - BELOW_SO) & ~x & HIGHS) != 0) {
                long found = zeroBytes(x ^ LF) | zeroBytes(x ^ CR);
                if (found != 0) {
                    return i + (Long.numberOfTrailingZeros(found) >>> 3);
                }
            }
        }
        for (; i < to; i++) {
            byte b = a[i];
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Returns the index of the first byte in a[from, to) that ends plain JSON string content: a
     * quote, a backslash, a control character or any non-ASCII byte; -1 when there is none.
     */
    public static int indexOfStringSpecial(byte[] a, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(a, i);
            // Bytes below 0x20 (high bit clear), bytes with the high bit set, quotes, backslashes.
            long found = ((x - SPACE) & ~x & HIGHS) | (x & HIGHS) | zeroBytes(x ^ QUOTE) | zeroBytes(x ^ BACKSLASH);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte b = a[i];
            if (b < 0x20 || b == '"' || b == '\\') {
                // Non-ASCII bytes are negative, so below 0x20 too.
                return i;
            }
        }
        return -1;
    }

    /**
     * Flags (high bit) the zero bytes of x. Only the lowest flag is exact: a borrow may flag a byte
     * above a zero byte, never one below it.
     */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGHS;
    }
}
