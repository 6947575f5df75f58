package dev.fluxllm.bench.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the TCP connections of the benchmark port: accepted since start, open now, and the most
 * open at once since the last {@link #resetPeak()}. Shared by every connection's pipeline.
 */
@ChannelHandler.Sharable
final class ConnectionCounter extends ChannelInboundHandlerAdapter {

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        accepted.incrementAndGet();
        long now = open.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }

    void resetPeak() {
        peak.set(open.get());
    }

    /** {@code accepted=N open=N peak=N}. */
    String describe() {
        return "accepted=" + accepted.get() + " open=" + open.get() + " peak=" + peak.get();
    }
}
