package dev.fluxllm.bench.jmh;

import dev.fluxllm.internal.sse.SseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SSE decoding of a 2,000-delta stream cut into reads of a given size; per event. Direct pooled
 * buffers as Netty hands them over, and byte arrays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Streams.TEXT_EVENTS)
public class SseDecoderBenchmark {

    @Param({"512", "4096", "65536"})
    public int readSize;

    private List<byte[]> arrays;
    private ByteBuf[] buffers;

    @Setup
    public void setUp() {
        byte[] body = Streams.script("text-2000").body();
        arrays = Streams.reads(body, readSize);
        buffers = new ByteBuf[arrays.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = PooledByteBufAllocator.DEFAULT.directBuffer(arrays.get(i).length).writeBytes(arrays.get(i));
        }
        int[] events = {0};
        SseDecoder d = new SseDecoder((type, data, off, len) -> ++events[0] > 0);
        arrays.forEach(a -> d.decode(a, 0, a.length));
        Streams.check(events[0] == Streams.TEXT_EVENTS, "events " + events[0]);
    }

    @TearDown
    public void tearDown() {
        for (ByteBuf b : buffers) {
            b.release();
        }
    }

    @Benchmark
    public void byteArrays(Blackhole bh) {
        SseDecoder d = new SseDecoder((type, data, off, len) -> {
            bh.consume(len);
            return true;
        });
        for (byte[] a : arrays) {
            d.decode(a, 0, a.length);
        }
    }

    @Benchmark
    public void directByteBufs(Blackhole bh) {
        SseDecoder d = new SseDecoder((type, data, off, len) -> {
            bh.consume(len);
            return true;
        });
        for (ByteBuf b : buffers) {
            d.decode(b.duplicate());
        }
    }
}
