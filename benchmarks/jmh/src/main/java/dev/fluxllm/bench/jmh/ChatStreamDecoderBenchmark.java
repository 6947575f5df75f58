package dev.fluxllm.bench.jmh;

import dev.fluxllm.internal.chat.ChatStreamDecoder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/** The library's whole per-read path without a socket: SSE decoding plus chunk parsing, per event. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Streams.TEXT_EVENTS)
public class ChatStreamDecoderBenchmark {

    private List<byte[]> reads;

    @Setup
    public void setUp() {
        reads = Streams.reads(Streams.script("text-2000").body(), 4096);
    }

    @Benchmark
    public void decodeReads(Blackhole bh) {
        ChatStreamDecoder d = new ChatStreamDecoder(1 << 20, "bench");
        for (byte[] r : reads) {
            bh.consume(d.decode(r, 0, r.length));
        }
    }
}
