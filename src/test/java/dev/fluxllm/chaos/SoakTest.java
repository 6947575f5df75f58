package dev.fluxllm.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.support.FaultProxy;
import dev.fluxllm.support.FaultProxy.Fault;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A long mixed workload (streams, generates and batches, a few faults) that samples heap after GC,
 * open file descriptors, threads and connections over time, and asserts they stay flat. Behind a
 * flag: {@code mvn -B test -Dtest=SoakTest -Dsoak.minutes=30}. Writes {@code target/soak/soak.csv}
 * and {@code target/soak/soak.png}.
 */
class SoakTest {

    static final int MINUTES = Integer.getInteger("soak.minutes", 0);
    static final int CONCURRENCY = Integer.getInteger("soak.concurrency", 200);

    record Sample(long seconds, long heapMb, long fds, int threads, int connections, long calls, long failures) {
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.HOURS)
    void resourcesStayFlatOverALongMixedWorkload() throws Exception {
        assumeTrue(MINUTES > 0, "soak runs only with -Dsoak.minutes=N");
        Map<Fault, Integer> mix = new EnumMap<>(Map.of(Fault.NONE, 97, Fault.RESET_MID_BODY, 1, Fault.TRUNCATE, 1,
                Fault.TRICKLE, 1));
        AtomicLong calls = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Sample> samples = new ArrayList<>();
        try (ScriptedLlmServer server = ScriptedLlmServer.builder().requestLogLimit(100).start();
             FaultProxy proxy = FaultProxy.start(server.port(), 42, mix);
             OpenAiCompatClient client = OpenAiCompatClient.builder()
                     .baseUrl("http://127.0.0.1:" + proxy.port() + "/v1").defaultModel("m")
                     .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(5)).build())
                     .streamIdleTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(10)).build()) {
            server.setDefault(Reply.text("one two three four five six seven eight nine ten").delay(Duration.ofMillis(2)));
            ChatRequest ask = ChatRequest.builder().user("soak").build();
            Flux<Object> work = Flux.range(0, Integer.MAX_VALUE).flatMap(i -> {
                Mono<?> call = switch (i % 10) {
                    case 0 -> client.generateAll(Flux.range(0, 20).map(n -> ask), BatchOptions.builder().maxConcurrency(8).build()).then();
                    case 1, 2, 3 -> client.generate(ask);
                    default -> client.stream(ask).as(ChatStreams::assemble);
                };
                return call.doOnSuccess(v -> calls.incrementAndGet())
                        .onErrorResume(e -> {
                            failures.incrementAndGet();
                            return Mono.empty();
                        });
            }, CONCURRENCY);
            Disposable running = work.subscribe();
            long start = System.nanoTime();
            long end = start + Duration.ofMinutes(MINUTES).toNanos();
            try {
                while (System.nanoTime() < end) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(10).toNanos());
                    samples.add(sample(start, client, server, calls.get(), failures.get()));
                }
            } finally {
                running.dispose();
            }
        }
        write(samples);
        int third = samples.size() / 3;
        double early = samples.subList(1, third).stream().mapToLong(Sample::heapMb).average().orElse(0);
        double late = samples.subList(2 * third, samples.size()).stream().mapToLong(Sample::heapMb).average().orElse(0);
        assertThat(late).as("heap after GC stays flat (MB)").isLessThan(early * 1.25 + 16);
        double earlyFds = samples.subList(1, third).stream().mapToLong(Sample::fds).average().orElse(0);
        double lateFds = samples.subList(2 * third, samples.size()).stream().mapToLong(Sample::fds).average().orElse(0);
        assertThat(lateFds).as("open file descriptors stay flat").isLessThan(earlyFds * 1.25 + 32);
        int earlyThreads = samples.get(1).threads();
        assertThat(samples.get(samples.size() - 1).threads()).as("threads stay flat").isLessThanOrEqualTo(earlyThreads + 8);
    }

    private static Sample sample(long start, OpenAiCompatClient client, ScriptedLlmServer server, long calls, long failures) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        long fds = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getOpenFileDescriptorCount() : -1;
        return new Sample((System.nanoTime() - start) / 1_000_000_000, heap, fds,
                ManagementFactory.getThreadMXBean().getThreadCount(), client.activeConnections() + server.activeStreams(),
                calls, failures);
    }

    private static void write(List<Sample> samples) throws IOException {
        Path dir = Path.of("target", "soak");
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("seconds,heap_after_gc_mb,open_fds,threads,connections,calls,failures\n");
        for (Sample s : samples) {
            csv.append(s.seconds()).append(',').append(s.heapMb()).append(',').append(s.fds()).append(',')
                    .append(s.threads()).append(',').append(s.connections()).append(',').append(s.calls()).append(',')
                    .append(s.failures()).append('\n');
        }
        Files.writeString(dir.resolve("soak.csv"), csv);
        SoakPlot.plot(samples, dir.resolve("soak.png"));
    }

}
