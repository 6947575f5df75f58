package dev.fluxllm.kafka;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.samples.EmbeddedKafka;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Flux;

/**
 * Measures how Kafka workers scale on a server-bound workload: a scripted server with a fixed
 * latency, each worker capped at the same concurrency. Prints the throughput of in-process
 * {@code generateAll} and of 1, 2 and 3 workers, measured in the same run, and the ratios.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=dev.fluxllm.kafka.KafkaScaling -Dexec.args="100 8 10"
 * </pre>
 * Arguments: latency in ms (default 100), concurrency per worker (default 8), seconds per run (default 10).
 */
public final class KafkaScaling {

    private KafkaScaling() {
    }

    public static void main(String[] args) {
        int code = 1;
        try {
            measure(args);
            code = 0;
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
        // The embedded broker's threads would keep the JVM alive.
        System.exit(code);
    }

    static void measure(String[] args) {
        int latency = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int perWorker = (int) (concurrency * 1000L / latency * seconds);
        BatchOptions options = BatchOptions.builder().maxConcurrency(concurrency).adaptive(false).build();
        try (ScriptedLlmServer server = ScriptedLlmServer.builder().requestLogLimit(10).start();
             OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
                     .defaultModel(ScriptedLlmServer.DEFAULT_MODEL).retryPolicy(RetryPolicy.none()).build()) {
            server.setDefault(Reply.text("answer").latency(Duration.ofMillis(latency)));
            String bootstrap = EmbeddedKafka.shared().bootstrapServers();

            // Warm-up of both paths (JIT, connections), then the in-process reference on the same
            // server and concurrency.
            inProcess(client, options, perWorker / 2);
            kafka(bootstrap, client, options, 1, perWorker / 2);
            double reference = inProcess(client, options, perWorker);
            System.out.printf(Locale.ROOT, "latency %d ms, concurrency %d per worker, %d requests per worker%n",
                    latency, concurrency, perWorker);
            System.out.printf(Locale.ROOT, "generateAll (in process): %.1f req/s%n", reference);
            double one = 0;
            for (int workers = 1; workers <= 3; workers++) {
                double rate = kafka(bootstrap, client, options, workers, perWorker * workers);
                if (workers == 1) {
                    one = rate;
                }
                System.out.printf(Locale.ROOT, "%d worker(s): %.1f req/s, scaling efficiency %.1f %%, vs generateAll %.2fx%n",
                        workers, rate, 100 * rate / (workers * one), rate / (workers * reference));
            }
        }
    }

    static double inProcess(OpenAiCompatClient client, BatchOptions options, int n) {
        long t0 = System.nanoTime();
        long count = client.generateAll(Flux.range(0, n).map(i -> ChatRequest.builder().user("prompt " + i)
                .maxTokens(16).build()), options).count().block();
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    static double kafka(String bootstrap, OpenAiCompatClient client, BatchOptions options, int count, int n) {
        // Six partitions split evenly among 1, 2 or 3 workers.
        KafkaTestSupport.Job job = KafkaTestSupport.newJob(6);
        List<KafkaBatchWorker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                workers.add(KafkaTestSupport.worker(job, "scale-" + count + "-" + i).client(client).options(options)
                        .build().start());
            }
            await(() -> workers.stream().mapToInt(w -> w.progress().partitions()).sum() == 6
                    && workers.stream().allMatch(w -> w.progress().partitions() > 0), 60);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                values.add(KafkaTestSupport.request("s-" + i, "prompt " + i));
            }
            long t0 = System.nanoTime();
            KafkaTestSupport.produce(job, values);
            await(() -> workers.stream().mapToLong(w -> w.progress().done()).sum() >= n, 300);
            return n / ((System.nanoTime() - t0) / 1e9);
        } finally {
            workers.forEach(KafkaBatchWorker::close);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + seconds + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
