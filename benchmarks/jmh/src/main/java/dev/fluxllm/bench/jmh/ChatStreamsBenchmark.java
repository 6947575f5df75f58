package dev.fluxllm.bench.jmh;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.internal.json.ChunkReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

/** The public stream helpers over a prebuilt {@code Flux<ChatChunk>} of 2,002 chunks, per chunk. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Streams.TEXT_EVENTS - 1)
public class ChatStreamsBenchmark {

    private Flux<ChatChunk> chunks;

    @Setup
    public void setUp() {
        ChunkReader reader = ChunkReader.forStream();
        List<ChatChunk> list = new ArrayList<>();
        for (byte[] d : Streams.chunkData(Streams.script("text-2000"))) {
            list.add(reader.read(d, 0, d.length));
        }
        chunks = Flux.fromIterable(list);
        Streams.check(assemble().text().equals(Streams.script("text-2000").expectedText()), "assembled text");
    }

    @Benchmark
    public void text(Blackhole bh) {
        ChatStreams.text(chunks).subscribe(bh::consume);
    }

    @Benchmark
    public dev.fluxllm.ChatResponse assemble() {
        return chunks.as(ChatStreams::assemble).block();
    }
}
