package dev.fluxllm.internal.sse;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Gives the decoder uniform access to a byte array or a {@link ByteBuf}, so that one state machine
 * serves both without copying the input first. Indices are absolute positions in the underlying
 * array or buffer. Instances are reused per decoder and point at the input only during a call.
 */
abstract sealed class ByteSource permits ByteSource.ArraySource, ByteSource.BufSource {

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
            this.array = array;
            return this;
        }

        @Override
        int indexOfLineEnd(int from, int to) {
            byte[] a = array;
            for (int i = from; i < to; i++) {
                byte b = a[i];
                if (b == '\n' || b == '\r') {
                    return i;
                }
            }
            return -1;
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

    /** Reads a {@link ByteBuf} without a usable backing array (direct, composite). */
    static final class BufSource extends ByteSource {
        private ByteBuf buf;

        BufSource point(ByteBuf buf) {
            this.buf = buf;
            return this;
        }

        @Override
        int indexOfLineEnd(int from, int to) {
            return buf.forEachByte(from, to - from, ByteProcessor.FIND_CRLF);
        }

        @Override
        byte get(int index) {
            return buf.getByte(index);
        }

        @Override
        void copyTo(int from, byte[] dst, int dstIndex, int length) {
            buf.getBytes(from, dst, dstIndex, length);
        }
    }

    /** Drops the reference to the input, so the decoder never keeps a caller's buffer alive. */
    static void clear(ArraySource a, BufSource b) {
        a.array = null;
        b.buf = null;
    }
}
