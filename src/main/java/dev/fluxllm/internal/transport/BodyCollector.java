package dev.fluxllm.internal.transport;

import dev.fluxllm.internal.error.ExceptionFactory;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Copies a body's reads into one array; past a limit it either fails (a response to parse) or
 * keeps only the start (an error body, which only feeds a message).
 */
final class BodyCollector {

    private final int maxBytes;
    private final boolean truncate;
    private byte[] bytes = new byte[0];
    private int size;

    BodyCollector(int maxBytes, boolean truncate) {
        this.maxBytes = maxBytes;
        this.truncate = truncate;
    }

    BodyCollector add(ByteBuf buf) {
        int n = buf.readableBytes();
        if ((long) size + n > maxBytes) {
            if (!truncate) {
                throw ExceptionFactory.malformed("Response body exceeds the maximum of " + maxBytes + " bytes",
                        null, false, null);
            }
            n = maxBytes - size;
            if (n == 0) {
                return this;
            }
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
