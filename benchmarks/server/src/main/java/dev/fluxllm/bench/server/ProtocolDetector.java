package dev.fluxllm.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads a connection's first bytes: the HTTP/2 client preface ({@code PRI * HTTP/2.0...}) makes it
 * an h2c connection (prior knowledge), anything else an HTTP/1.1 one. Over HTTP/2 each stream gets
 * its own child channel that turns frames into the HTTP/1.1 objects the handler already serves
 * ({@link Http2StreamFrameToHttpObjectCodec}), so both protocols send the same bytes per event.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

    /** What the server offers per connection; clients open more connections past it. */
    static final int MAX_CONCURRENT_STREAMS = 256;

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Supplier<io.netty.channel.ChannelHandler> handler;

    ProtocolDetector(Supplier<io.netty.channel.ChannelHandler> handler) {
        this.handler = handler;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (n == 0) {
            return;
        }
        boolean h2 = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
        if (h2 && n < PREFACE.readableBytes()) {
            return; // so far it looks like the preface: wait for the rest
        }
        ChannelPipeline p = ctx.pipeline();
        if (h2) {
            p.addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
                .build());
            p.addAfter("h2", "h2-mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel ch) {
                    ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpObjectAggregator(1 << 20), handler.get());
                }
            }));
        } else {
            p.addAfter(ctx.name(), "http", new HttpServerCodec());
            p.addAfter("http", "aggregator", new HttpObjectAggregator(1 << 20));
            p.addAfter("aggregator", "handler", handler.get());
        }
        // Removing this decoder hands what it has buffered to the handlers just added.
        p.remove(this);
    }
}
