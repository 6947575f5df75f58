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
 * between the two clients (A B A B ...) so drift hits both. CPU is the process's (client and
 * server threads), so the percentage is of the whole pipeline; the ns/chunk figure is the
 * listener's own added cost. The observation registry has Micrometer's DefaultMeterObservationHandler
 * (a timer per observation, as Spring Boot sets up) and the listener records the GenAI metrics.
 *
 * Run from the repository root (see benchmarks/README.md):
 *   mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 *   javac -d target/bench -cp target/classes:$(cat target/cp.txt) benchmarks/observation/ObservationOverhead.java
 *   java -cp target/bench:target/classes:$(cat target/cp.txt) ObservationOverhead
 */
public final class ObservationOverhead {

    static final int CHUNKS = Integer.getInteger("chunks", 2000);
    static final int STREAMS_PER_ROUND = Integer.getInteger("streams", 20);
    static final int WARMUP_ROUNDS = Integer.getInteger("warmup", 10);
    static final int ROUNDS = Integer.getInteger("rounds", 20);

    public static void main(String[] args) {
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
            OpenAiCompatClient observed = client(server,
                    ObservationListener.builder(observations).meterRegistry(meters).build());
            ChatRequest request = ChatRequest.builder().user("go").includeUsage(true).build();
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                round(plain, request);
                round(observed, request);
            }
            long[] cpuPlain = new long[ROUNDS];
            long[] cpuObserved = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = os.getProcessCpuTime();
                round(plain, request);
                long t1 = os.getProcessCpuTime();
                round(observed, request);
                long t2 = os.getProcessCpuTime();
                cpuPlain[i] = t1 - t0;
                cpuObserved[i] = t2 - t1;
            }
            double perChunk = STREAMS_PER_ROUND * (double) CHUNKS;
            double plainNs = median(cpuPlain) / perChunk;
            double observedNs = median(cpuObserved) / perChunk;
            System.out.printf("chunks/stream=%d streams/round=%d rounds=%d (medians of process CPU)%n",
                    CHUNKS, STREAMS_PER_ROUND, ROUNDS);
            System.out.printf("no listener:          %8.1f ns CPU per chunk%n", plainNs);
            System.out.printf("ObservationListener:  %8.1f ns CPU per chunk%n", observedNs);
            System.out.printf("overhead:             %8.1f ns per chunk = %+.1f %%%n", observedNs - plainNs,
                    100 * (observedNs - plainNs) / plainNs);
            System.out.printf("observations recorded: %d%n",
                    (long) meters.get(dev.fluxllm.observe.GenAiAttributes.METRIC_OPERATION_DURATION).summary().count());
            plain.close();
            observed.close();
        }
    }

    static OpenAiCompatClient client(ScriptedLlmServer server, ObservationListener listener) {
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

    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
