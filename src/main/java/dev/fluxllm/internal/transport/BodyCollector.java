package dev.fluxllm.internal.transport;

import dev.fluxllm.internal.error.ExceptionFactory;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** Copies a body's reads into one array, failing once it grows past a limit. */
final class BodyCollector {

    private final int maxBytes;
    private byte[] bytes = new byte[0];
    private int size;

    BodyCollector(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    BodyCollector add(ByteBuf buf) {
        int n = buf.readableBytes();
        if ((long) size + n > maxBytes) {
            throw ExceptionFactory.malformed("Response body exceeds the maximum of " + maxBytes + " bytes",
                    null, false, null);
        }
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + n, Math.min(maxBytes, Math.max(1024, bytes.length * 2))));
        }
        buf.getBytes(buf.readerIndex(), bytes, size, n);
        size += n;
        return this;
    }

    byte[] toByteArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
