package dev.fluxllm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.HttpVersion;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

/**
 * Heap retained per open, idle stream, over HTTP/1.1 and over HTTP/2 (h2c): N streams each hold
 * after a first chunk; the heap after a full GC with all of them open, minus the heap before, over
 * N; with {@code -Dmemory.histogram=true} a class histogram taken then goes to {@code target/memory/}, with
 * {@code -Dmemory.heapdump=/tmp/prefix} a heap dump ({@code prefix-HTTP_2.hprof}; the long pause it takes
 * made 18 of 10,000 HTTP/2 streams end "connection closed" once released in one run). Behind a flag:
 * {@code mvn -B test -Dtest=StreamMemoryTest -Dmemory.streams=10000}.
 */
class StreamMemoryTest {

    static final int STREAMS = Integer.getInteger("memory.streams", 0);
    /**
     * Also writes a class histogram while the streams are open. Off by default: on this machine,
     * taking it (the JVM's GC.class_histogram) at 10,000 open streams was followed, in 3 runs of 4,
     * by most streams ending "connection closed" once released; without it, never. Not understood.
     */
    static final boolean HISTOGRAM = Boolean.getBoolean("memory.histogram");

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void heapPerOpenStream() throws Exception {
        assumeTrue(STREAMS > 0, "runs only with -Dmemory.streams=N");
        StringBuilder report = new StringBuilder();
        for (String name : System.getProperty("memory.versions", "HTTP_1_1,HTTP_2").split(",")) {
            HttpVersion version = HttpVersion.valueOf(name.trim());
            report.append(measure(version)).append('\n');
        }
        System.out.print(report);
        Files.createDirectories(Path.of("target", "memory"));
        Files.writeString(Path.of("target", "memory", "summary.txt"), report);
    }

    private String measure(HttpVersion version) throws Exception {
        Process child = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-cp", System.getProperty("java.class.path"), "-Xss512k", HoldingServer.class.getName(),
                version == HttpVersion.HTTP_2 ? "h2c" : "http1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream control = child.getOutputStream()) {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).startsWith("PORT ");
            try (OpenAiCompatClient client = OpenAiCompatClient.builder()
                    .baseUrl("http://127.0.0.1:" + line.substring(5).trim() + "/v1").defaultModel("m")
                    .retryPolicy(RetryPolicy.none()).maxConnections(STREAMS + 1).pendingAcquireMaxCount(STREAMS + 1)
                    .httpVersion(version).build()) {
                // Warm up: classes, event loops and the first connection exist before the baseline.
                client.stream(ChatRequest.builder().user("warm").build()).take(1).blockLast(Duration.ofSeconds(30));
                long before = heapAfterGc();
                CountDownLatch held = new CountDownLatch(STREAMS);
                CountDownLatch ended = new CountDownLatch(STREAMS);
                AtomicInteger exact = new AtomicInteger();
                java.util.Map<String, Integer> errors = new java.util.concurrent.ConcurrentHashMap<>();
                ChatRequest ask = ChatRequest.builder().user("hold").build();
                for (int i = 0; i < STREAMS; i++) {
                    client.stream(ask).doOnNext(c -> held.countDown()).as(ChatStreams::assemble)
                            .subscribe(r -> {
                                if (r.text().equals("held released")) {
                                    exact.incrementAndGet();
                                }
                            }, e -> {
                                errors.merge(String.valueOf(e.getMessage()).replaceAll("[0-9]+", "N"), 1, Integer::sum);
                                ended.countDown();
                            }, ended::countDown);
                }
                assertThat(held.await(5, TimeUnit.MINUTES)).as("all streams open").isTrue();
                long open = heapAfterGc();
                if (HISTOGRAM) {
                    Files.createDirectories(Path.of("target", "memory"));
                    Files.writeString(Path.of("target", "memory", "histogram-" + version + ".txt"), histogram());
                }
                String dump = System.getProperty("memory.heapdump");
                if (dump != null) {
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                            .dumpHeap(dump + "-" + version + ".hprof", true);
                }
                int connections = client.activeConnections();
                int failedWhileHeld = errors.values().stream().mapToInt(Integer::intValue).sum();
                control.write("release\n".getBytes(StandardCharsets.UTF_8));
                control.flush();
                assertThat(ended.await(5, TimeUnit.MINUTES)).as("all streams ended").isTrue();
                assertThat(errors).as("streams that failed (%d of them before the release; server alive: %s)", failedWhileHeld,
                        child.isAlive() ? "yes" : "no, exit " + child.exitValue()).isEmpty();
                assertThat(exact).hasValue(STREAMS);
                return String.format("%s: %d open streams, heap after GC %d KB before, %d KB open, %.1f KB per stream; "
                                + "%d %s in use", version, STREAMS, before >> 10, open >> 10,
                        (open - before) / 1024.0 / STREAMS, connections,
                        version == HttpVersion.HTTP_2 ? "streams" : "connections");
            }
        } finally {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroy();
            }
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The JVM's own class histogram (as {@code jcmd GC.class_histogram}), top lines. */
    private static String histogram() throws Exception {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] lines = text.toString().split("\n");
        return String.join("\n", java.util.Arrays.copyOf(lines, Math.min(lines.length, 45))) + "\n";
    }
}
