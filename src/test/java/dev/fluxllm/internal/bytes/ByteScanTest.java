package dev.fluxllm.internal.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The eight-at-a-time scans find exactly what a byte-by-byte loop finds, at every offset and length. */
class ByteScanTest {

    private static final byte[] INTERESTING = {'\n', '\r', '"', '\\', 0, 0x1F, 0x20, 0x21, 0x7F, (byte) 0x80,
        (byte) 0xFF, (byte) 0xC3, 'a', 0x0B, 0x0E, 0x09, 0x0C, 0x0D, 0x0A, 0x01, 0x5B, 0x5D, 0x23, 0x21};

    @Test
    void findsWhatAByteLoopFinds() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] a = new byte[random.nextInt(40)];
            for (int i = 0; i < a.length; i++) {
                // Mostly plain letters, so that finds land anywhere in a block of eight.
                a[i] = random.nextInt(6) == 0 ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) ('a' + random.nextInt(26));
            }
            int from = a.length == 0 ? 0 : random.nextInt(a.length);
            int to = from + random.nextInt(a.length - from + 1);
            assertThat(ByteScan.indexOfLineEnd(a, from, to)).isEqualTo(naiveLineEnd(a, from, to));
            assertThat(ByteScan.indexOfStringSpecial(a, from, to)).isEqualTo(naiveSpecial(a, from, to));
        }
    }

    @Test
    void neverLooksPastTheEndOfTheRange() {
        byte[] a = "abcdefgh\nijklmnop\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ByteScan.indexOfLineEnd(a, 0, 8)).isEqualTo(-1);
        assertThat(ByteScan.indexOfLineEnd(a, 0, 9)).isEqualTo(8);
        assertThat(ByteScan.indexOfStringSpecial(a, 0, 8)).isEqualTo(-1);
        assertThat(ByteScan.indexOfStringSpecial(a, 9, 17)).isEqualTo(-1);
        assertThat(ByteScan.indexOfStringSpecial(a, 9, 18)).isEqualTo(17);
    }

    private static int naiveLineEnd(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == '\n' || a[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    private static int naiveSpecial(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = a[i] & 0xFF;
            if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') {
                return i;
            }
        }
        return -1;
    }
}
