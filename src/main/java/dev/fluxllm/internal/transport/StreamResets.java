package dev.fluxllm.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.List;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * Watches an HTTP/2 stream's inbound frames, with one stateless handler for all streams: Reactor
 * Netty's frame-to-HTTP/1.1 codec (itself one instance for all streams) replaced by a subclass
 * that also does the following, so a stream has no handler more than Reactor Netty gives it:
 * <ul>
 *   <li>remembers a {@code RST_STREAM} from the server. Netty hands it to the stream as an event
 *       and then ends the stream's inbound as if the body were complete, so without this a reset
 *       mid-body would look like a short, finished answer;</li>
 *   <li>adds the gzip decompressor only to a stream whose response headers name a
 *       {@code content-encoding}. Reactor Netty gives every stream one when compression is on
 *       (a handler, its context and its state: about 130 B an open stream), while event streams
 *       almost never come compressed.</li>
 * </ul>
 */
final class StreamResets {

    private static final AttributeKey<Http2ResetFrame> RESET = AttributeKey.valueOf("fluxllm.h2.reset");
    private static final String HANDLER = "fluxllm.h2.resets";
    /** Stateless: one for every stream. */
    private static final Recorder RECORDER = new Recorder(false);
    private static final Recorder DECOMPRESSING_RECORDER = new Recorder(true);
    private static final Codec CODEC = new Codec(false);
    private static final Codec DECOMPRESSING_CODEC = new Codec(true);

    private StreamResets() {
    }

    /**
     * Starts watching a stream channel, before its first frame; {@code decompress} tells whether
     * the client asks for gzip (and decodes it).
     */
    static void watch(Connection connection, boolean decompress) {
        if (!(connection.channel() instanceof Http2StreamChannel)) {
            return;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        if (pipeline.get(HANDLER) == null && !(pipeline.get(NettyPipeline.H2ToHttp11Codec) instanceof Codec)) {
            boolean lazy = decompress && pipeline.get(NettyPipeline.HttpDecompressor) != null
                    && pipeline.get(NettyPipeline.ReactiveBridge) != null;
            if (lazy) {
                pipeline.remove(NettyPipeline.HttpDecompressor);
            }
            ChannelHandler codec = pipeline.get(NettyPipeline.H2ToHttp11Codec);
            if (codec != null && codec.getClass() == Http2StreamFrameToHttpObjectCodec.class) {
                // Built as Reactor Netty builds its own (a client codec, headers validated).
                pipeline.replace(NettyPipeline.H2ToHttp11Codec, NettyPipeline.H2ToHttp11Codec, lazy ? DECOMPRESSING_CODEC : CODEC);
            } else {
                pipeline.addFirst(HANDLER, lazy ? DECOMPRESSING_RECORDER : RECORDER);
            }
        }
    }

    /** Returns the reset the server sent on this stream, null when none (or not HTTP/2). */
    static Http2ResetFrame resetOf(Connection connection) {
        return connection.channel() instanceof Http2StreamChannel ? connection.channel().attr(RESET).get() : null;
    }

    /** Adds a decompressor to the stream of an encoded response, before its first HTTP object passes. */
    private static void decompressIfEncoded(ChannelHandlerContext ctx, Http2HeadersFrame headers) {
        if (headers.headers().contains(HttpHeaderNames.CONTENT_ENCODING)) {
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(NettyPipeline.HttpDecompressor) == null) {
                // Where Reactor Netty puts it: after the HTTP/2-to-HTTP/1.1 conversion, before the reactive bridge.
                pipeline.addBefore(NettyPipeline.ReactiveBridge, NettyPipeline.HttpDecompressor, new HttpContentDecompressor());
            }
        }
    }

    /** Reactor Netty's stream codec, watching as it converts. */
    @ChannelHandler.Sharable
    private static final class Codec extends Http2StreamFrameToHttpObjectCodec {

        private final boolean decompress;

        Codec(boolean decompress) {
            super(false);
            this.decompress = decompress;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
            if (decompress && frame instanceof Http2HeadersFrame headers) {
                decompressIfEncoded(ctx, headers);
            }
            super.decode(ctx, frame, out);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof Http2ResetFrame reset) {
                ctx.channel().attr(RESET).set(reset);
            }
            super.userEventTriggered(ctx, event);
        }
    }

    /** The same as a handler of its own, for a pipeline whose codec is not Reactor Netty's usual one. */
    @ChannelHandler.Sharable
    private static final class Recorder extends ChannelInboundHandlerAdapter {

        /** Whether streams lost the decompressor Reactor Netty gave them: it comes back when needed. */
        private final boolean decompress;

        Recorder(boolean decompress) {
            this.decompress = decompress;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (decompress && msg instanceof Http2HeadersFrame headers) {
                decompressIfEncoded(ctx, headers);
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof Http2ResetFrame reset) {
                ctx.channel().attr(RESET).set(reset);
            }
            super.userEventTriggered(ctx, event);
        }
    }
}
