package dev.fluxllm.internal.sse;

import dev.fluxllm.internal.bytes.ByteScan;
import io.netty.buffer.ByteBuf;

/**
 * Gives the decoder access to the bytes it scans: a byte array, the backing array of a heap
 * {@link ByteBuf}, or a slice of a direct buffer copied in bulk. Indices are absolute positions in the underlying
 * array or buffer. Instances are reused per decoder and point at the input only during a call.
 */
abstract sealed class ByteSource permits ByteSource.ArraySource {

    /** Returns the index of the first CR or LF in [from, to), or -1 when there is none. */
    abstract int indexOfLineEnd(int from, int to);

    /** Returns the byte at an index. */
    abstract byte get(int index);

    /** Copies length bytes starting at from into dst at dstIndex. */
    abstract void copyTo(int from, byte[] dst, int dstIndex, int length);

    /** Reads a byte array, or the backing array of a heap {@link ByteBuf}. */
    static final class ArraySource extends ByteSource {
        private byte[] array;

        ArraySource point(byte[] array) {
            // Stored only when it changes: a reference store into a long-lived object costs the
            // garbage collector a card to re-scan.
            if (this.array != array) {
                this.array = array;
            }
            return this;
        }

        byte[] array() {
            return array;
        }

        @Override
        int indexOfLineEnd(int from, int to) {
            return ByteScan.indexOfLineEnd(array, from, to);
        }

        @Override
        byte get(int index) {
            return array[index];
        }

        @Override
        void copyTo(int from, byte[] dst, int dstIndex, int length) {
            System.arraycopy(array, from, dst, dstIndex, length);
        }
    }

    /** Drops the reference to the input, so the decoder never keeps a caller's buffer alive. */
    static void clear(ArraySource a) {
        a.array = null;
    }
}
