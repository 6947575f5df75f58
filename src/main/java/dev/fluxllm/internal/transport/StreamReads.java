package dev.fluxllm.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Gives each HTTP/2 stream channel one shared read allocator instead of an adaptive one of its
 * own. A stream channel allocates nothing from it (its frames come read by the connection); it
 * only counts the frames of a read, which every {@code MaxMessageHandle} does alike. The adaptive
 * one adds a size predictor per stream, which an open stream keeps for its life.
 */
final class StreamReads {

    /** Netty's default for stream channels: 16 frames a read (their channel metadata). */
    private static final FixedRecvByteBufAllocator SHARED = new FixedRecvByteBufAllocator(2048);

    static {
        SHARED.maxMessagesPerRead(16);
    }

    private StreamReads() {
    }

    /** Call before the stream's first read: its handle is made then, from the allocator set. */
    static void configure(Channel channel) {
        if (channel instanceof Http2StreamChannel) {
            channel.config().setRecvByteBufAllocator(SHARED);
        }
    }
}
