package dev.fluxllm.samples;

import dev.fluxllm.batch.BatchLines;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchOutcome;
import dev.fluxllm.kafka.Delivery;
import dev.fluxllm.kafka.JobTally;
import dev.fluxllm.kafka.KafkaBatchWorker;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs a batch job over Kafka with three workers, kills one halfway, and prints the final tally:
 * every request answered, some answered twice (the killed worker's uncommitted ones, redone by
 * their new owners, which is what at-least-once means), none lost.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dsample=KafkaBatchJob
 * KAFKA_BOOTSTRAP_SERVERS=localhost:9092 mvn -q test-compile exec:java -Dsample=KafkaBatchJob
 * </pre>
 *
 * <p>Without {@code KAFKA_BOOTSTRAP_SERVERS}, an embedded one-node KRaft broker is started in this
 * JVM; with it, that cluster is used (the sample creates two topics named after the time). Without
 * {@code OPENAI_BASE_URL}, an embedded server plays the model, with a 429 on every 40th call and a
 * 500 on every 53rd (each request fails at most once).
 */
public final class KafkaBatchJob {

    static final String BOOTSTRAP_VARIABLE = "KAFKA_BOOTSTRAP_SERVERS";
    static final int PARTITIONS = 6;

    /** What the job ended with. */
    record Tally(int requests, int answered, int resultRecords, int failed, long killedAt) {
    }

    private KafkaBatchJob() {
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        System.exit(SampleEnvironment.runMain(KafkaBatchJob::script, (env, out) -> {
            String bootstrap = System.getenv(BOOTSTRAP_VARIABLE);
            if (bootstrap == null || bootstrap.isBlank()) {
                System.err.println("[sample] " + BOOTSTRAP_VARIABLE + " is not set: starting an embedded Kafka broker");
                try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
                    run(kafka.bootstrapServers(), env, records, out);
                }
            } else {
                run(bootstrap.strip(), env, records, out);
            }
        }));
    }

    /** Feeds {@code records} requests, runs three workers, kills one halfway, and prints the tally. */
    static Tally run(String bootstrap, SampleEnvironment env, int records, PrintStream out) {
        String suffix = Long.toString(System.currentTimeMillis());
        String input = "fluxllm-sample-requests-" + suffix;
        String output = "fluxllm-sample-results-" + suffix;
        EmbeddedKafka.createTopics(bootstrap, Map.of(input, PARTITIONS, output, 3));
        feed(bootstrap, input, env.model(), records);

        List<KafkaBatchWorker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                workers.add(worker(bootstrap, input, output, env, "sample-" + i).start());
            }
            Set<String> answered = new HashSet<>();
            int[] resultRecords = {0};
            int[] failed = {0};
            long killedAt = -1;
            try (KafkaConsumer<String, String> results = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "group.id", "fluxllm-sample-reader-" + suffix, "auto.offset.reset", "earliest",
                    "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
                results.subscribe(List.of(output));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (answered.size() < records && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(200))) {
                        BatchOutcome o = BatchLines.read(r.value());
                        resultRecords[0]++;
                        if (!o.isSuccess()) {
                            failed[0]++;
                        }
                        answered.add(o.customId());
                    }
                    if (killedAt < 0 && answered.size() >= records / 2) {
                        killedAt = answered.size();
                        out.println("killing " + workers.get(0).name() + " at " + killedAt + " answered: "
                                + workers.get(0).progress());
                        workers.get(0).closeNow();
                    }
                }
            }
            for (KafkaBatchWorker w : workers.subList(1, workers.size())) {
                out.println(w.name() + ": " + w.progress());
            }
            // The same tally, as anyone can sum it from the output topic alone.
            out.println("output topic " + output.substring(0, output.lastIndexOf('-')) + ": "
                    + JobTally.read(bootstrap, output, Map.of(), Duration.ofSeconds(30)));
            Tally tally = new Tally(records, answered.size(), resultRecords[0], failed[0], killedAt);
            out.printf("%d requests over %d partitions, 3 workers, one killed at %d answered: %d answered, "
                            + "%d result records (%d redone after the kill), %d failed%n",
                    records, PARTITIONS, killedAt, tally.answered(), tally.resultRecords(),
                    tally.resultRecords() - tally.answered(), tally.failed());
            return tally;
        } finally {
            workers.forEach(KafkaBatchWorker::close);
        }
    }

    static KafkaBatchWorker worker(String bootstrap, String input, String output, SampleEnvironment env, String name) {
        return KafkaBatchWorker.builder()
                .bootstrapServers(bootstrap)
                .groupId("fluxllm-sample-" + input)
                .inputTopic(input)
                .outputTopic(output)
                .name(name)
                .client(env.client())
                .options(BatchOptions.builder().maxConcurrency(16)
                        .rateLimitBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build())
                .delivery(Delivery.AT_LEAST_ONCE)
                .closeTimeout(Duration.ofSeconds(10))
                // A dead member is noticed within seconds, not the default 45 s.
                .consumerProperty("session.timeout.ms", "6000")
                .consumerProperty("heartbeat.interval.ms", "500")
                .build();
    }

    static void feed(String bootstrap, String topic, String model, int records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", "5", "enable.idempotence", "false", "acks", "all",
                "max.in.flight.requests.per.connection", "1"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                String id = "request-" + i;
                producer.send(new ProducerRecord<>(topic, id, "{\"custom_id\":\"" + id + "\",\"method\":\"POST\","
                        + "\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + model + "\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"Summarize document " + i + "\"}],\"max_tokens\":64}}"));
            }
            producer.flush();
        }
    }

    /**
     * Plays the model: answers after 5 ms; the first try of every 40th call gets a 429 and of
     * every 53rd a 500, the retry an answer. Counted per request rather than per call, so that a
     * retry never lands on a failing call by chance (three in a row would fail a request).
     */
    static void script(ScriptedLlmServer server) {
        AtomicLong calls = new AtomicLong();
        Map<String, Boolean> failedOnce = new java.util.concurrent.ConcurrentHashMap<>();
        server.setDefault(Reply.from(request -> {
            long n = calls.incrementAndGet();
            String prompt = request.lastUserMessage();
            if ((n % 40 == 0 || n % 53 == 0) && failedOnce.putIfAbsent(prompt, true) == null) {
                return n % 40 == 0 ? Reply.error(429, "Rate limit reached").header("retry-after-ms", "50")
                        : Reply.error(500, "The server had an error");
            }
            return Reply.text("Summary of: " + prompt).delay(Duration.ofMillis(5));
        }));
    }
}
