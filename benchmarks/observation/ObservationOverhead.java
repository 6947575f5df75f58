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
 * between the two clients (A B A B ...) so drift hits both. CPU is the sum of every thread's
 * (client and server threads; GC and JIT threads included), so the percentage is of the whole pipeline; the ns/chunk figure is the
 * listener's own added cost. The observation registry has Micrometer's DefaultMeterObservationHandler
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


    static final int CHUNKS = Integer.getInteger("chunks", 2000);
    static final int STREAMS_PER_ROUND = Integer.getInteger("streams", 20);
    static final int WARMUP_ROUNDS = Integer.getInteger("warmup", 10);
    static final int ROUNDS = Integer.getInteger("rounds", 20);

    public static void main(String[] args) {
        if (Boolean.getBoolean("direct")) {
            direct();
            return;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < CHUNKS; i++) {
            text.append(i == 0 ? "w" : " w").append(i % 10);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
            server.setDefault(Reply.text(text.toString()).usage(10, CHUNKS));
            OpenAiCompatClient plain = client(server, null);
            String variant = System.getProperty("variant", "full");
            dev.fluxllm.LlmListener listener = switch (variant) {
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
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                round(plain, request);
                round(observed, request);
            }
            long[] cpuPlain = new long[ROUNDS];
            long[] cpuObserved = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = cpu();
                round(plain, request);
                long t1 = cpu();
                round(observed, request);
                long t2 = cpu();
                cpuPlain[i] = t1 - t0;
                cpuObserved[i] = t2 - t1;
            }
            double perChunk = STREAMS_PER_ROUND * (double) CHUNKS;
            double plainNs = median(cpuPlain) / perChunk;
            double observedNs = median(cpuObserved) / perChunk;
            long[] diffs = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                diffs[i] = cpuObserved[i] - cpuPlain[i];
            }
            double pairedNs = median(diffs) / perChunk;
            System.out.printf("chunks/stream=%d streams/round=%d rounds=%d (CPU of all threads, client and in-process server)%n",
                    CHUNKS, STREAMS_PER_ROUND, ROUNDS);
            System.out.printf("no listener:          %8.1f ns CPU per chunk%n", plainNs);
            System.out.printf("ObservationListener:  %8.1f ns CPU per chunk%n", observedNs);
            System.out.printf("overhead:             %8.1f ns per chunk = %+.1f %% (difference of medians)%n",
                    observedNs - plainNs, 100 * (observedNs - plainNs) / plainNs);
            System.out.printf("paired overhead:      %8.1f ns per chunk = %+.1f %% (median of per-round differences)%n",
                    pairedNs, 100 * pairedNs / plainNs);
            System.out.printf("variant=%s observations recorded: %d%n", variant,
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

    static OpenAiCompatClient client(ScriptedLlmServer server, dev.fluxllm.LlmListener listener) {
        OpenAiCompatClient.Builder b = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
                .defaultModel(ScriptedLlmServer.DEFAULT_MODEL).retryPolicy(RetryPolicy.none())
                .streamIdleTimeout(Duration.ofSeconds(30));
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    static void round(OpenAiCompatClient client, ChatRequest request) {
        for (int i = 0; i < STREAMS_PER_ROUND; i++) {
            Long n = client.stream(request).as(ChatStreams::text).count().block(Duration.ofSeconds(60));
            if (n == null || n != CHUNKS) {
                throw new IllegalStateException("expected " + CHUNKS + " text deltas, got " + n);
            }
        }
    }

    /**
     * CPU time of every live thread, in nanoseconds (per-thread clocks: finer than the process
     * clock's 10 ms ticks). The client's event loops and the server's threads live through all rounds.
     */
    static long cpu() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
