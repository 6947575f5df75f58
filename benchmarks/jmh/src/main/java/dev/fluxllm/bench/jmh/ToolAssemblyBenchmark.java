package dev.fluxllm.bench.jmh;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.internal.assembly.ResponseAssembler;
import dev.fluxllm.internal.json.ChunkReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** Assembling two parallel tool calls of 500 fragments each from parsed chunks, per chunk. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Streams.TOOL_CHUNKS)
public class ToolAssemblyBenchmark {

    @Param({"tools-interleaved-500", "tools-sequential-500"})
    public String scenario;

    private List<ChatChunk> chunks;

    @Setup
    public void setUp() {
        ChunkReader reader = ChunkReader.forStream();
        chunks = new ArrayList<>();
        for (byte[] d : Streams.chunkData(Streams.script(scenario))) {
            chunks.add(reader.read(d, 0, d.length));
        }
        Streams.check(chunks.size() == Streams.TOOL_CHUNKS, "chunks " + chunks.size());
        Streams.check(assemble().toolCalls().size() == 2, "tool calls");
    }

    @Benchmark
    public ChatResponse assemble() {
        ResponseAssembler assembler = new ResponseAssembler();
        for (ChatChunk c : chunks) {
            assembler.add(c);
        }
        return assembler.build();
    }
}
