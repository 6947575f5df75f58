package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Opens thousands of streams at once against one server and checks every stream's content, that
 * the client adds no thread per stream (everything runs on the event loops), and that every
 * connection goes back to the pool.
 *
 * <p>{@code -Dload.streams=10000} runs 10,000; above 4,000 the server runs in a child JVM, since
 * one process holding both ends of every socket would pass a 20,000 file-descriptor limit.
 */
class LoadTest {

    static final int STREAMS = Integer.getInteger("load.streams", 2000);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void concurrentStreamsExactNoThreadPerStream() throws Exception {
        boolean forked = STREAMS > 4000;
        Process child = null;
        LocalServer local = null;
        String baseUrl;
        if (forked) {
            child = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(),
                    "-cp", System.getProperty("java.class.path"), "-Xss512k", LoadServer.class.getName(),
                    String.valueOf(STREAMS + 1)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).startsWith("PORT ");
            baseUrl = "http://127.0.0.1:" + line.substring(5).trim() + "/v1";
        } else {
            local = new LoadServer(STREAMS + 1).start();
            baseUrl = local.baseUrl();
        }
        try (OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(baseUrl).defaultModel("m")
                .name("load").retryPolicy(RetryPolicy.none()).maxConnections(STREAMS + 1).build()) {
            // Warm up: the event loops, the pool and the classes exist before the threads are counted.
            // The warm-up stream is the extra one the server waits for, so it is held until all are open.
            var threads = ManagementFactory.getThreadMXBean();
            int before = threads.getThreadCount();
            Set<String> deliveringThreads = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            AtomicInteger exact = new AtomicInteger();
            AtomicInteger peakThreads = new AtomicInteger();
            AtomicInteger peakConnections = new AtomicInteger();
            long start = System.nanoTime();
            Flux.range(-1, STREAMS + 1)
                    .flatMap(n -> client.stream(ChatRequest.builder().user("stream-" + n).build())
                            .doOnNext(chunk -> {
                                deliveringThreads.add(Thread.currentThread().getName());
                                if (chunk.text().endsWith("-t1 ")) {
                                    peakThreads.accumulateAndGet(threads.getThreadCount(), Math::max);
                                    peakConnections.accumulateAndGet(client.activeConnections(), Math::max);
                                }
                            })
                            .as(ChatStreams::assemble)
                            .doOnNext(r -> {
                                if (r.text().equals(LoadServer.expectedText(n)) && "stop".equals(r.finishReason())) {
                                    exact.incrementAndGet();
                                } else {
                                    wrong.add("stream " + n + ": " + r.text());
                                }
                            })
                            .onErrorResume(e -> {
                                wrong.add("stream " + n + ": " + e);
                                return Mono.empty();
                            }), STREAMS + 1)
                    .then()
                    .block(Duration.ofMinutes(5));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("LoadTest: %d concurrent streams (+1 warm-up) in %d ms, %d exact, peak %d connections in use, "
                            + "threads %d before, peak %d, delivering threads %s%n", STREAMS, millis, exact.get(),
                    peakConnections.get(), before, peakThreads.get(), new java.util.TreeSet<>(deliveringThreads));
            assertThat(wrong).as("streams with wrong content or errors").isEmpty();
            assertThat(exact.get()).isEqualTo(STREAMS + 1);
            assertThat(peakConnections.get()).as("streams open at once").isEqualTo(STREAMS + 1);
            assertThat(peakThreads.get() - before).as("threads added while %d streams were open", STREAMS).isLessThan(32);
            assertThat(deliveringThreads).allMatch(name -> name.startsWith("reactor-http-"),
                    "every chunk is delivered on an event loop");
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(30), "connections released");
        } finally {
            if (local != null) {
                local.close();
            }
            if (child != null) {
                child.getOutputStream().close();
                if (!child.waitFor(20, TimeUnit.SECONDS)) {
                    child.destroy();
                }
            }
        }
    }
}
