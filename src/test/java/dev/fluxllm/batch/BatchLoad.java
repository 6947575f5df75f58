package dev.fluxllm.batch;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Pushes 100,000 batch requests through the real client to an in-process OpenAI-compatible server
 * on loopback, at concurrency 256, and prints throughput and peak heap.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=dev.fluxllm.batch.BatchLoad -Dexec.classpathScope=test
 * </pre>
 * Arguments (optional): request count, concurrency, and {@code flatMap} to run the same calls
 * through a plain {@code flatMapSequential} instead, as a baseline.
 */
public final class BatchLoad {

    private static final byte[] COMPLETION = """
            {"id":"chatcmpl-load","object":"chat.completion","created":1700000000,"model":"load",
             "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}""".getBytes(StandardCharsets.UTF_8);

    private BatchLoad() {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        boolean baseline = args.length > 2 && args[2].equals("flatMap");
        LoopResources serverLoops = LoopResources.create("load-server", 1, true);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(serverLoops)
                .route(routes -> routes.post("/v1/chat/completions", (req, res) -> req.receive().then(
                        res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .header("x-ratelimit-remaining-requests", "100000")
                                .header("x-ratelimit-reset-requests", "1s")
                                .send(ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(COMPLETION))))
                                .then())))
                .bindNow();
        try (OpenAiCompatClient client = OpenAiCompatClient.builder().name("load")
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1").defaultModel("load")
                .maxConnections(concurrency).compression(false).retryPolicy(RetryPolicy.none()).build()) {
            baselineMode = baseline;
            // Warm up: class loading, JIT, connections.
            run(client, 5_000, concurrency);
            System.gc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            // CPU time as well as wall time: on a shared machine the CPU spent per request moves
            // much less from run to run than the throughput does.
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            long[] outcome = run(client, count, concurrency);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMicrosPerRequest = (os.getProcessCpuTime() - cpuStart) / 1e3 / count;
            long peakHeap = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.gc();
            long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf(Locale.ROOT, "requests=%d concurrency=%d ok=%d failed=%d time=%.2fs throughput=%.0f req/s cpu=%.1f us/req "
                            + "peakHeap=%.1f MiB (sum of heap pool peaks) heapAfterGc=%.1f MiB maxHeap=%.0f MiB%n",
                    count, concurrency, outcome[0], outcome[1], seconds, count / seconds, cpuMicrosPerRequest, peakHeap / 1048576.0,
                    afterGc / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
        } finally {
            server.disposeNow();
            serverLoops.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private static boolean baselineMode;

    private static long[] run(OpenAiCompatClient client, int count, int concurrency) {
        if (baselineMode) {
            // The same calls through a plain flatMap, to tell the batch engine's cost from the client's.
            long ok = Flux.range(0, count)
                    .map(i -> ChatRequest.builder().user("prompt number " + i).maxTokens(16).build())
                    .flatMapSequential(client::generate, concurrency)
                    .count().block(Duration.ofMinutes(10));
            return new long[] {ok, count - ok};
        }
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong nextIndex = new AtomicLong();
        // Generated lazily: the batch pulls each request only when a slot is free.
        Flux<ChatRequest> requests = Flux.range(0, count)
                .map(i -> ChatRequest.builder().user("prompt number " + i).maxTokens(16).build());
        // Everything on, as a real job has it: request and token limits (set high enough never to
        // wait), the adaptive limit, and a progress listener.
        AtomicLong reports = new AtomicLong();
        client.generateAll(requests, BatchOptions.builder().maxConcurrency(concurrency)
                        .requestsPerMinute(6_000_000).tokensPerMinute(1_000_000_000_000L)
                        .onProgress(p -> reports.incrementAndGet()).build())
                .doOnNext((BatchResult r) -> {
                    if (r.index() != nextIndex.getAndIncrement()) {
                        throw new IllegalStateException("out of order: " + r.index());
                    }
                    (r.isSuccess() ? ok : failed).incrementAndGet();
                })
                .blockLast(Duration.ofMinutes(10));
        return new long[] {ok.get(), failed.get()};
    }
}
