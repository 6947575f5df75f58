package dev.fluxllm.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;

/**
 * Remembers an HTTP/2 {@code RST_STREAM} from the server. Netty hands it to the stream as an event
 * and then ends the stream's inbound as if the body were complete, so without this a reset
 * mid-body would look like a short, finished answer.
 */
final class StreamResets {

    private static final AttributeKey<Http2ResetFrame> RESET = AttributeKey.valueOf("fluxllm.h2.reset");
    private static final String HANDLER = "fluxllm.h2.resets";
    /** Stateless: one for every stream. */
    private static final Recorder RECORDER = new Recorder();

    private StreamResets() {
    }

    static void watch(Connection connection) {
        if (connection.channel() instanceof Http2StreamChannel && connection.channel().pipeline().get(HANDLER) == null) {
            connection.channel().pipeline().addFirst(HANDLER, RECORDER);
        }
    }

    /** Returns the reset the server sent on this stream, null when none (or not HTTP/2). */
    static Http2ResetFrame resetOf(Connection connection) {
        return connection.channel() instanceof Http2StreamChannel ? connection.channel().attr(RESET).get() : null;
    }

    @ChannelHandler.Sharable
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof Http2ResetFrame reset) {
                ctx.channel().attr(RESET).set(reset);
            }
            super.userEventTriggered(ctx, event);
        }
    }
}
