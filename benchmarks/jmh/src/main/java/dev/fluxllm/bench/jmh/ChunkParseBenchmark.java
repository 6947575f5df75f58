package dev.fluxllm.bench.jmh;

import dev.fluxllm.internal.json.ChunkReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parsing one event's JSON into a chunk, per chunk: the library's reader against the baseline's
 * Jackson tree (what "minimum honest work" does per event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Streams.TEXT_EVENTS - 1)
public class ChunkParseBenchmark {

    private final ObjectMapper mapper = JsonMapper.builder().build();
    private List<byte[]> data;

    @Setup
    public void setUp() {
        data = Streams.chunkData(Streams.script("text-2000"));
        Streams.check(data.size() == Streams.TEXT_EVENTS - 1, "chunks " + data.size());
    }

    @Benchmark
    public void chunkReader(Blackhole bh) {
        ChunkReader reader = ChunkReader.forStream();
        for (byte[] d : data) {
            bh.consume(reader.read(d, 0, d.length));
        }
    }

    @Benchmark
    public void jacksonTreeBaseline(Blackhole bh) {
        for (byte[] d : data) {
            JsonNode content = mapper.readTree(d, 0, d.length).path("choices").path(0).path("delta").path("content");
            bh.consume(content.isString() ? content.stringValue() : "");
        }
    }
}
