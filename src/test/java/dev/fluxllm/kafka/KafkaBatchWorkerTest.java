package dev.fluxllm.kafka;

import static dev.fluxllm.kafka.KafkaTestSupport.byCustomId;
import static dev.fluxllm.kafka.KafkaTestSupport.committed;
import static dev.fluxllm.kafka.KafkaTestSupport.ends;
import static dev.fluxllm.kafka.KafkaTestSupport.newJob;
import static dev.fluxllm.kafka.KafkaTestSupport.produce;
import static dev.fluxllm.kafka.KafkaTestSupport.request;
import static dev.fluxllm.kafka.KafkaTestSupport.results;
import static dev.fluxllm.kafka.KafkaTestSupport.worker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchOutcome;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs workers against the embedded broker and the scripted server: results, offsets, backpressure, rebalance. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaBatchWorkerTest {

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl())
            .defaultModel(ScriptedLlmServer.DEFAULT_MODEL)
            .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(10))
                    .maxBackoff(Duration.ofMillis(50)).build())
            .build();
    final List<KafkaBatchWorker> workers = new ArrayList<>();

    @AfterEach
    void close() {
        workers.forEach(KafkaBatchWorker::closeNow);
        client.close();
        server.close();
    }

    KafkaBatchWorker start(KafkaBatchWorker.Builder builder) {
        KafkaBatchWorker w = builder.build().start();
        workers.add(w);
        return w;
    }

    static List<String> requests(int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(request("r-" + i, "prompt " + i));
        }
        return values;
    }

    @Test
    void everyRecordGetsOneResultKeyedByCustomIdAndBadOrPoisonRecordsBecomeErrors() {
        server.setDefault(Reply.from(r -> r.lastUserMessage().equals("poison")
                ? Reply.error(500, "always broken")
                : Reply.text("answer to " + r.lastUserMessage())));
        KafkaTestSupport.Job job = newJob(3);
        List<String> values = requests(100);
        values.add("not json");
        values.add("{\"custom_id\":\"emb\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}");
        values.add(request("poison", "poison"));
        produce(job, values);

        KafkaBatchWorker w = start(worker(job, "solo").client(client));
        Eventually.await(() -> w.progress().done() == 103, Duration.ofSeconds(60), "103 done: " + w.progress());

        Map<String, List<BatchOutcome>> results = byCustomId(results(job));
        for (int i = 0; i < 100; i++) {
            assertThat(results.get("r-" + i)).as("r-" + i).singleElement().satisfies(o -> {
                assertThat(o.isSuccess()).isTrue();
                assertThat(o.body().path("choices").get(0).path("message").path("content").asString())
                        .startsWith("answer to prompt ");
            });
        }
        assertThat(results.get("poison")).singleElement().satisfies(o -> {
            assertThat(o.statusCode()).isEqualTo(500);
            assertThat(o.errorCode()).isEqualTo("server_error");
        });
        assertThat(results.get("emb")).singleElement().satisfies(o -> assertThat(o.errorCode()).isEqualTo("unsupported_url"));
        assertThat(results.get("null")).singleElement().satisfies(o -> {
            assertThat(o.errorCode()).isEqualTo("invalid_json");
            assertThat(o.errorMessage()).matches("partition \\d offset \\d+: invalid_json: not JSON.*");
        });
        assertThat(w.progress().failed()).isEqualTo(3);
        Eventually.await(() -> committed(job).equals(ends(job)), Duration.ofSeconds(10), "offsets committed to the end");
        assertThat(w.progress().inFlight()).isZero();
        assertThat(JobTally.read(KafkaTestSupport.bootstrap(), job.output(), Map.of(), Duration.ofSeconds(20)))
                .isEqualTo(new JobTally(103, 103, 3, 0));
    }

    @Test
    void aSlowEarlierRecordHoldsItsPartitionsOffsetWhileLaterOnesFinish() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        server.setDefault(Reply.from(r -> Reply.text("ok")));
        KafkaTestSupport.Job job = newJob(2);
        List<String> values = new ArrayList<>();
        values.add(request("slow", "slow"));   // partition 0, offset 0
        for (int i = 1; i < 40; i++) {
            values.add(request("r-" + i, "prompt " + i));
        }
        produce(job, values);
        AtomicInteger calls = new AtomicInteger();
        KafkaBatchWorker w = start(worker(job, "holder").call(req -> {
            calls.incrementAndGet();
            boolean slow = req.messages().get(0).text().equals("slow");
            return slow ? reactor.core.publisher.Mono.fromFuture(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).then(client.generate(req)) : client.generate(req);
        }));
        Eventually.await(() -> calls.get() == 40 && w.progress().done() == 20, Duration.ofSeconds(30),
                "every record called, partition 1 done");
        Eventually.await(() -> committed(job).getOrDefault(1, 0L) == 20L, Duration.ofSeconds(10), "partition 1 committed");
        assertThat(committed(job).getOrDefault(0, 0L)).as("partition 0 waits for offset 0").isZero();
        // Partition 0's 19 finished records wait behind the slow one, counted in flight.
        assertThat(w.progress().inFlight()).isEqualTo(20);

        release.countDown();
        Eventually.await(() -> committed(job).equals(ends(job)), Duration.ofSeconds(10), "then all committed");
        assertThat(w.progress().done()).isEqualTo(40);
    }

    @Test
    void aSlowModelPausesThePartitionsButNeverCostsTheMembership() {
        server.setDefault(Reply.from(r -> Reply.text("slow answer").delay(Duration.ofMillis(150))));
        KafkaTestSupport.Job job = newJob(2);
        produce(job, requests(120));
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger pausedSeen = new AtomicInteger();
        // The whole job takes ~4.5 s at 4 in flight: far longer than the poll interval allowed.
        KafkaBatchWorker w = start(worker(job, "slow").client(client)
                .options(BatchOptions.builder().maxConcurrency(4).adaptive(false).build())
                .maxInFlight(8)
                .consumerProperty("max.poll.interval.ms", "1500"));
        Eventually.await(() -> {
            WorkerProgress p = w.progress();
            maxInFlight.accumulateAndGet(p.inFlight(), Math::max);
            if (p.paused()) {
                pausedSeen.incrementAndGet();
            }
            return p.done() == 120;
        }, Duration.ofSeconds(60), "120 done");

        assertThat(pausedSeen.get()).as("paused while the window was full").isPositive();
        assertThat(maxInFlight.get()).as("never more than twice the window held").isLessThanOrEqualTo(16);
        // A missed poll interval would have moved the partitions and redone records.
        assertThat(byCustomId(results(job))).hasSize(120).allSatisfy((id, list) -> assertThat(list).hasSize(1));
        assertThat(server.requestCount()).isEqualTo(120);
        assertThat(w.failure()).isNull();
    }
}
