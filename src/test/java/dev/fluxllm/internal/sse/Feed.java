package dev.fluxllm.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/** Hands one read to a decoder in a given form, checking the ByteBuf contract on the way. */
enum Feed {
    /** A plain byte array, at an offset inside a larger array. */
    ARRAY {
        @Override
        void decode(SseDecoder decoder, byte[] bytes, int from, int to) {
            // Surround the read with junk so that offset handling is exercised.
            byte[] padded = new byte[to - from + 6];
            java.util.Arrays.fill(padded, (byte) '\n');
            System.arraycopy(bytes, from, padded, 3, to - from);
            decoder.decode(padded, 3, to - from);
        }
    },
    /** A heap buffer sliced from a larger array: hasArray() with a non-zero arrayOffset(). */
    HEAP {
        @Override
        void decode(SseDecoder decoder, byte[] bytes, int from, int to) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes, from, to - from);
            feed(decoder, buf);
        }
    },
    /** An unpooled direct buffer, with readerIndex moved past some already-read bytes. */
    DIRECT {
        @Override
        void decode(SseDecoder decoder, byte[] bytes, int from, int to) {
            // Wrapping an NIO buffer skips the leak detector, which makes this feed cheap enough for
            // every-offset tests; POOLED_DIRECT covers the tracked kind.
            ByteBuffer nio = ByteBuffer.allocateDirect(to - from + 2);
            nio.put((byte) 'x').put((byte) 'y').put(bytes, from, to - from).flip();
            ByteBuf buf = Unpooled.wrappedBuffer(nio);
            buf.readerIndex(2);
            feed(decoder, buf);
        }
    },
    /**
     * A pooled direct buffer, the kind Reactor Netty reads from a socket, tracked by the leak
     * detector (paranoid in the tests, which makes it slow: use it sparingly).
     */
    POOLED_DIRECT {
        @Override
        void decode(SseDecoder decoder, byte[] bytes, int from, int to) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(to - from);
            buf.writeBytes(bytes, from, to - from);
            feed(decoder, buf);
        }
    },
    /** A composite of two components split in the middle: no backing array. */
    COMPOSITE {
        @Override
        void decode(SseDecoder decoder, byte[] bytes, int from, int to) {
            int mid = from + (to - from) / 2;
            CompositeByteBuf buf = Unpooled.compositeBuffer();
            buf.addComponent(true, Unpooled.wrappedBuffer(bytes, from, mid - from));
            buf.addComponent(true, Unpooled.wrappedBuffer(bytes, mid, to - mid));
            feed(decoder, buf);
        }
    };

    /** Decodes bytes[from, to) as one read. */
    abstract void decode(SseDecoder decoder, byte[] bytes, int from, int to);

    private static void feed(SseDecoder decoder, ByteBuf buf) {
        int writerIndex = buf.writerIndex();
        try {
            decoder.decode(buf);
            assertThat(buf.readerIndex()).as("readerIndex after decode").isEqualTo(writerIndex);
            assertThat(buf.refCnt()).as("refCnt after decode").isEqualTo(1);
        } finally {
            buf.release();
        }
    }
}
