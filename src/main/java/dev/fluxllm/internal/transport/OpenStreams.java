package dev.fluxllm.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the HTTP/2 stream channels open now: each is one call's exchange, gone when its stream
 * closes or resets. A count and one listener for all, not a set entry and a listener per stream.
 */
final class OpenStreams {

    private final AtomicInteger open = new AtomicInteger();
    private final ChannelFutureListener closed = f -> open.decrementAndGet();

    /** Counts a stream channel until it closes; call once per stream channel. */
    void track(Channel stream) {
        open.incrementAndGet();
        stream.closeFuture().addListener(closed);
    }

    int size() {
        return open.get();
    }
}
