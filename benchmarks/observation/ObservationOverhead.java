import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.observe.ObservationListener;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;

/**
 * CPU cost of ObservationListener per streamed chunk, against the same client with no listener.
 * One JVM, an in-process ScriptedLlmServer, streams of CHUNKS word deltas; rounds alternate
 * between the two clients (A B, B A, ...) so drift hits both. The server's CPU is left out: the
 * percentage is of the client's CPU, once from the client's Java threads (precise per-thread
 * clocks, but no GC or JIT threads) and once from the process CPU less the server's threads (GC
 * and JIT included, so the listener's allocations count, at 10 ms ticks). The ns/chunk figure is
 * the listener's own added cost. The observation registry has Micrometer's DefaultMeterObservationHandler
 * (a timer per observation, as Spring Boot sets up) and the listener records the GenAI metrics.
 *
 * Run from the repository root (see benchmarks/README.md):
 *   mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 *   javac -d target/bench -cp target/classes:$(cat target/cp.txt) benchmarks/observation/ObservationOverhead.java
 *   java -cp target/bench:target/classes:$(cat target/cp.txt) ObservationOverhead
 */
public final class ObservationOverhead {

    /** The observation's timer (DefaultMeterObservationHandler names it after the observation). */
    static final class GenAiAttributesName {
        static final String OBS = dev.fluxllm.observe.GenAiAttributes.OBSERVATION_NAME;
    }


    /** ScriptedLlmServer's event loop threads are named after it. */
    static final String SERVER_THREADS = "scripted-llm";
    static final int CHUNKS = Integer.getInteger("chunks", 2000);
    static final int STREAMS_PER_ROUND = Integer.getInteger("streams", 20);
    static final int WARMUP_ROUNDS = Integer.getInteger("warmup", 10);
    static final int ROUNDS = Integer.getInteger("rounds", 20);
    static final int DELAY_MS = Integer.getInteger("delay", 0);
    static final int CONCURRENCY = Integer.getInteger("concurrency", 1);
    static final int CALL_WARMUP = Integer.getInteger("callWarmup", 15_000);
    static final boolean SOLO = Boolean.getBoolean("solo");

    public static void main(String[] args) {
        if (Boolean.getBoolean("direct")) {
            direct();
            return;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < CHUNKS; i++) {
            text.append(i == 0 ? "w" : " w").append(i % 10);
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        if (Boolean.getBoolean("parent")) {
            callerContext = reactor.util.context.Context.of(
                    io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor.KEY,
                    io.micrometer.observation.Observation.start("http.server.requests", observations));
        }
        try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
            OpenAiCompatClient plain = client(server, null);
            String variant = System.getProperty("variant", "full");
            dev.fluxllm.LlmListener listener = switch (variant) {
                // no listener on either side: what the method reads when there is nothing to find
                case "none" -> null;
                case "noop" -> new dev.fluxllm.LlmListener() { };
                // the context entry alone: what carrying the observation through Reactor costs
                case "context" -> new dev.fluxllm.LlmListener() {
                    @Override
                    public reactor.util.context.Context decorateContext(dev.fluxllm.LlmCall call,
                                                                        reactor.util.context.Context context) {
                        return context.put(io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor.KEY,
                                io.micrometer.observation.Observation.NOOP);
                    }
                };
                case "spans" -> ObservationListener.builder(observations).build();
                case "no-chunk-metrics" -> ObservationListener.builder(observations).meterRegistry(meters)
                        .chunkMetrics(false).build();
                default -> ObservationListener.builder(observations).meterRegistry(meters).build();
            };
            OpenAiCompatClient observed = client(server, listener);
            ChatRequest request = ChatRequest.builder().user("go").includeUsage(true).build();
            if (SOLO) {
                solo(server, variant, observed, request, text.toString());
                plain.close();
                observed.close();
                return;
            }
            // Per-call code (starting and ending an observation, registering meters) runs once per
            // call: a few hundred long streams leave it interpreted or in C1, where a service that
            // has run for minutes has it compiled by C2. Short streams first, so it is.
            server.setDefault(Reply.text("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9").usage(10, 10));
            for (int i = 0; i < CALL_WARMUP; i++) {
                shortCall(plain, request);
                shortCall(observed, request);
            }
            // Paced (-Ddelay=<ms between chunks>, with -Dconcurrency streams open at once) as a model
            // streams, or as fast as the server writes (the default: the pipeline does nothing but
            // move chunks, the worst case for a listener's share).
            Reply answer = Reply.text(text.toString()).usage(10, CHUNKS);
            server.setDefault(DELAY_MS > 0 ? answer.delay(Duration.ofMillis(DELAY_MS)) : answer);
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                round(plain, request);
                round(observed, request);
            }
            long[][] plainCpu = new long[2][ROUNDS];
            long[][] observedCpu = new long[2][ROUNDS];
            System.gc();
            for (int i = 0; i < ROUNDS; i++) {
                // A B, then B A: a drift within a pair hits both sides alike.
                if (i % 2 == 0) {
                    measure(plain, request, plainCpu, i);
                    measure(observed, request, observedCpu, i);
                } else {
                    measure(observed, request, observedCpu, i);
                    measure(plain, request, plainCpu, i);
                }
            }
            double perChunk = STREAMS_PER_ROUND * (double) CHUNKS;
            System.out.printf("variant=%s chunks/stream=%d streams/round=%d rounds=%d call-warmup=%d delay=%d ms"
                    + " concurrency=%d%n", variant, CHUNKS, STREAMS_PER_ROUND, ROUNDS, CALL_WARMUP, DELAY_MS, CONCURRENCY);
            String[] scopes = {"client Java threads (per-thread clocks)",
                    "client process: process CPU less the server's threads (GC and JIT included, 10 ms ticks)"};
            for (int k = 0; k < 2; k++) {
                double plainNs = median(plainCpu[k]) / perChunk;
                long[] diffs = new long[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    diffs[i] = observedCpu[k][i] - plainCpu[k][i];
                }
                double pairedNs = median(diffs) / perChunk;
                System.out.printf("%s: no listener %.1f ns CPU per chunk, listener adds %.1f ns = %+.1f %%"
                        + " (median of per-round differences)%n", scopes[k], plainNs, pairedNs, 100 * pairedNs / plainNs);
            }
            System.out.printf("observations recorded: %d%n",
                    meters.find(GenAiAttributesName.OBS).timers().stream().mapToLong(t -> t.count()).sum());
            plain.close();
            observed.close();
        }
    }

    /**
     * The listener's own CPU per chunk, called directly in a loop on one thread (thread CPU time),
     * free of the network and of other processes' noise: onChunk for a content chunk of a stream.
     */
    static void direct() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        dev.fluxllm.ChatChunk chunk = new dev.fluxllm.ChatChunk("chatcmpl-1", "m", 0, java.util.List.of(
                new dev.fluxllm.ChunkChoice(0, null, " word", "", java.util.List.of(), null)), null);
        Duration gap = Duration.ofMillis(20);
        int n = Integer.getInteger("calls", 5_000_000);
        for (String variant : new String[] {"noop", "spans", "full", "noop", "spans", "full"}) {
            dev.fluxllm.LlmListener l = switch (variant) {
                case "noop" -> new dev.fluxllm.LlmListener() { };
                case "spans" -> ObservationListener.builder(observations).build();
                default -> ObservationListener.builder(observations).meterRegistry(meters).build();
            };
            dev.fluxllm.LlmCall call = new dev.fluxllm.LlmCall("req_1", "bench", "chat.stream", "m",
                    "http://127.0.0.1:8000/v1", "/chat/completions", java.time.Instant.now());
            l.onRequestStart(call, ChatRequest.builder().user("go").build(), reactor.util.context.Context.empty());
            l.onFirstToken(call, gap);
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                l.onChunk(call, chunk, gap);
            }
            long t1 = threads.getCurrentThreadCpuTime();
            l.onComplete(call, new dev.fluxllm.CallStats(1, 200, null, gap, gap, null, n, 0));
            System.out.printf("direct %-6s onChunk: %6.1f ns CPU per chunk%n", variant, (t1 - t0) / (double) n);
        }
    }

    /**
     * One client in this JVM ({@code -Dsolo=true}): the variant's, or none's for {@code variant=none}.
     * Two clients in one JVM share the decoder's call sites, whose type profiles then see both
     * clients' subscribers; an application has one. Compare runs of separate JVMs, alternating.
     */
    static void solo(ScriptedLlmServer server, String variant, OpenAiCompatClient client, ChatRequest request,
                     String text) {
        server.setDefault(Reply.text("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9").usage(10, 10));
        for (int i = 0; i < CALL_WARMUP; i++) {
            shortCall(client, request);
        }
        Reply answer = Reply.text(text).usage(10, CHUNKS);
        server.setDefault(DELAY_MS > 0 ? answer.delay(Duration.ofMillis(DELAY_MS)) : answer);
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            round(client, request);
        }
        long[][] cpu = new long[3][ROUNDS];
        System.gc();
        for (int i = 0; i < ROUNDS; i++) {
            measure(client, request, cpu, i);
        }
        double perChunk = STREAMS_PER_ROUND * (double) CHUNKS;
        System.out.printf("solo variant=%s parent=" + !callerContext.isEmpty() + " chunks/stream=%d streams/round=%d rounds=%d delay=%d ms concurrency=%d:"
                        + " client Java threads %.1f ns CPU per chunk, client process %.1f ns, client threads allocate %.1f B"
                        + " per chunk (medians of rounds)%n",
                variant, CHUNKS, STREAMS_PER_ROUND, ROUNDS, DELAY_MS, CONCURRENCY,
                median(cpu[0]) / perChunk, median(cpu[1]) / perChunk, median(cpu[2]) / perChunk);
    }

    static OpenAiCompatClient client(ScriptedLlmServer server, dev.fluxllm.LlmListener listener) {
        OpenAiCompatClient.Builder b = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
                .defaultModel(ScriptedLlmServer.DEFAULT_MODEL).retryPolicy(RetryPolicy.none())
                .streamIdleTimeout(Duration.ofSeconds(30));
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    static void measure(OpenAiCompatClient client, ChatRequest request, long[][] into, int i) {
        long client0 = cpu(true);
        long server0 = cpu(false) - client0;
        long process0 = processCpu();
        long allocated0 = into.length > 2 ? allocated() : 0;
        round(client, request);
        long client1 = cpu(true);
        long server1 = cpu(false) - client1;
        into[0][i] = client1 - client0;
        into[1][i] = processCpu() - process0 - (server1 - server0);
        if (into.length > 2) {
            into[2][i] = allocated() - allocated0;
        }
    }

    /** Bytes allocated by the client's threads: unlike CPU time, the same on a busy machine. */
    static long allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
            if (info != null && !info.getThreadName().startsWith(SERVER_THREADS)) {
                sum += Math.max(0, threads.getThreadAllocatedBytes(id));
            }
        }
        return sum;
    }

    /**
     * The caller's observation in the Reactor context ({@code -Dparent=true}), as Spring WebFlux
     * puts a server request's there, else none.
     */
    static reactor.util.context.Context callerContext = reactor.util.context.Context.empty();

    static reactor.core.publisher.Flux<String> texts(OpenAiCompatClient client, ChatRequest request) {
        return client.stream(request).as(ChatStreams::text).contextWrite(callerContext);
    }

    static void shortCall(OpenAiCompatClient client, ChatRequest request) {
        Long n = texts(client, request).count().block(Duration.ofSeconds(60));
        if (n == null || n != 10) {
            throw new IllegalStateException("expected 10 text deltas, got " + n);
        }
    }

    static void round(OpenAiCompatClient client, ChatRequest request) {
        if (CONCURRENCY > 1) {
            java.util.List<Long> counts = reactor.core.publisher.Flux.range(0, STREAMS_PER_ROUND)
                    .flatMap(i -> texts(client, request).count(), CONCURRENCY)
                    .collectList().block(Duration.ofMinutes(5));
            if (counts == null || counts.size() != STREAMS_PER_ROUND || counts.stream().anyMatch(n -> n != CHUNKS)) {
                throw new IllegalStateException("expected " + STREAMS_PER_ROUND + " streams of " + CHUNKS
                        + " text deltas, got " + counts);
            }
            return;
        }
        for (int i = 0; i < STREAMS_PER_ROUND; i++) {
            Long n = texts(client, request).count().block(Duration.ofSeconds(60));
            if (n == null || n != CHUNKS) {
                throw new IllegalStateException("expected " + CHUNKS + " text deltas, got " + n);
            }
        }
    }

    /**
     * CPU time of every live thread, in nanoseconds (per-thread clocks: finer than the process
     * clock's 10 ms ticks). The client's event loops and the server's threads live through all rounds.
     */
    static long cpu(boolean clientOnly) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            if (clientOnly) {
                java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
                if (info != null && info.getThreadName().startsWith(SERVER_THREADS)) {
                    continue;
                }
            }
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
