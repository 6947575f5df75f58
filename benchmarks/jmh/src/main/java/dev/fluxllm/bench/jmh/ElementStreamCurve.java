package dev.fluxllm.bench.jmh;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.bench.jmh.StructuredData.Item;
import dev.fluxllm.structured.StructuredOptions;
import dev.fluxllm.structured.StructuredOutputs;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Prints the CPU time each delta of a streamed 500-element list answer costs, by tenth of the
 * answer: flat when the parse is incremental (a parser that re-read the text so far per delta
 * would climb linearly). Deltas are handed over synchronously, so the time between two deltas
 * leaving the source is the time the previous one took downstream.
 * <pre>
 * java -cp benchmarks/jmh/target/benchmarks.jar dev.fluxllm.bench.jmh.ElementStreamCurve
 * </pre>
 */
public final class ElementStreamCurve {

    private ElementStreamCurve() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        List<ChatChunk> deltas = StructuredData.deltas(StructuredData.itemList(StructuredBenchmark.ELEMENTS));
        int n = deltas.size();
        long[] nanos = new long[n];
        ChatRequest request = ChatRequest.builder().model("m").user("List").build();
        long[] last = new long[1];
        int[] at = new int[1];
        Flux<ChatChunk> source = Flux.fromIterable(deltas).doOnNext(c -> {
            long now = System.nanoTime();
            if (at[0] > 0) {
                nanos[at[0] - 1] += now - last[0];
            }
            last[0] = now;
            at[0]++;
        });
        StructuredOutputs typed = StructuredOutputs.of(r -> Mono.error(new IllegalStateException()), r -> source,
                StructuredOptions.defaults());
        for (int round = 0; round < rounds; round++) {
            if (round == rounds / 2) {
                java.util.Arrays.fill(nanos, 0); // the first half warms up
            }
            at[0] = 0;
            long count = typed.streamElements(request, Item.class).count().block();
            if (count != StructuredBenchmark.ELEMENTS) {
                throw new AssertionError("elements: " + count);
            }
        }
        int measured = rounds - rounds / 2;
        System.out.println("deltas per answer: " + n + ", rounds measured: " + measured);
        System.out.println("tenth of the answer | ns per delta");
        for (int tenth = 0; tenth < 10; tenth++) {
            int from = tenth * (n - 1) / 10;
            int to = (tenth + 1) * (n - 1) / 10;
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += nanos[i];
            }
            System.out.printf("%d | %.0f%n", tenth + 1, sum / (double) ((to - from) * (long) measured));
        }
    }
}
