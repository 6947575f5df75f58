package dev.fluxllm.bench.server;

import dev.fluxllm.bench.core.Script;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers {@code POST /<scenario>/v1/chat/completions} (chat scenarios) and
 * {@code POST /<scenario>/v1/responses} (Responses API scenarios, {@code resp-...}) with the
 * scenario's precomputed bytes, whatever the request body says; the other endpoint is a 404. Fast streams go out as 4 KiB HTTP chunks cut at arbitrary
 * byte positions (events split across reads, as behind any proxy); paced streams send one event
 * per tick from the connection's own event loop.
 */
final class CompletionsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final int PIECE = 4096;

    private final ScriptCache scripts;

    CompletionsHandler(ScriptCache scripts) {
        this.scripts = scripts;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Script script = scripts.forPath(req.uri());
        if (script != null && !req.uri().endsWith(script.scenario().api().path())) {
            script = null;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (script == null) {
            FullHttpResponse r = full(HttpResponseStatus.NOT_FOUND, "application/json",
                "{\"error\":{\"message\":\"unknown scenario\",\"type\":\"invalid_request_error\"}}"
                    .getBytes(StandardCharsets.UTF_8));
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!script.scenario().streaming()) {
            FullHttpResponse r = full(HttpResponseStatus.OK, "application/json", script.body());
            HttpUtil.setKeepAlive(r, keepAlive);
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .set("x-request-id", "req_bench");
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.write(head);
        if (script.scenario().paced()) {
            pace(ctx, script.events(), script.scenario().intervalMillis(), keepAlive);
        } else {
            byte[] body = script.body();
            ByteBuf all = Unpooled.wrappedBuffer(body);
            for (int at = 0; at < body.length; at += PIECE) {
                ctx.write(new DefaultHttpContent(all.retainedSlice(at, Math.min(PIECE, body.length - at))));
            }
            all.release();
            end(ctx, keepAlive);
        }
    }

    private static void pace(ChannelHandlerContext ctx, List<byte[]> events, int millis, boolean keepAlive) {
        ctx.writeAndFlush(content(events.get(0)));
        int[] next = {1};
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        timer[0] = ctx.executor().scheduleAtFixedRate(() -> {
            if (!ctx.channel().isActive()) {
                timer[0].cancel(false);
                return;
            }
            ctx.write(content(events.get(next[0]++)));
            if (next[0] == events.size() - 1) {
                // The finish chunk goes with [DONE], as servers send them back to back (Responses:
            // output_item.done with response.completed).
                ctx.write(content(events.get(next[0]++)));
                timer[0].cancel(false);
                end(ctx, keepAlive);
            } else {
                ctx.flush();
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    private static DefaultHttpContent content(byte[] bytes) {
        return new DefaultHttpContent(Unpooled.wrappedBuffer(bytes));
    }

    private static void end(ChannelHandlerContext ctx, boolean keepAlive) {
        var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse full(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
            .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set("x-request-id", "req_bench");
        return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
