package dev.fluxllm.kafka;

import dev.fluxllm.batch.BatchLines;
import dev.fluxllm.batch.BatchOutcome;
import dev.fluxllm.samples.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** One embedded broker for all Kafka tests of this JVM, and the topic chores they share. */
final class KafkaTestSupport {

    private static final AtomicInteger JOBS = new AtomicInteger();

    private KafkaTestSupport() {
    }

    static String bootstrap() {
        return EmbeddedKafka.shared().bootstrapServers();
    }

    /** A fresh job: its own topics and group, so tests never see each other's records. */
    record Job(String input, String output, String group, int partitions) {
    }

    static Job newJob(int partitions) {
        int n = JOBS.incrementAndGet();
        Job job = new Job("requests-" + n, "results-" + n, "group-" + n, partitions);
        EmbeddedKafka.createTopics(bootstrap(), Map.of(job.input, partitions, job.output, 3));
        return job;
    }

    static String request(String customId, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"max_tokens\":16}}";
    }

    /** Produces the values round-robin over the partitions, in order within each. */
    static void produce(Job job, List<String> values) {
        // One request in flight: order kept under retries without the idempotent producer's sequence state.
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
                "linger.ms", "5", "enable.idempotence", "false", "acks", "all",
                "max.in.flight.requests.per.connection", "1"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < values.size(); i++) {
                p.send(new ProducerRecord<>(job.input, i % job.partitions, null, values.get(i)));
            }
            p.flush();
        }
    }

    /** Reads every committed result record of the output topic. */
    static List<ConsumerRecord<String, String>> results(Job job) {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap(), "isolation.level", "read_committed",
                "enable.auto.commit", "false");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(job.output).stream()
                    .map(i -> new TopicPartition(job.output, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    static Map<String, List<BatchOutcome>> byCustomId(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> BatchLines.read(r.value()))
                .collect(Collectors.groupingBy(o -> String.valueOf(o.customId())));
    }

    /** Returns the group's committed offset per input partition (absent: none committed). */
    static Map<Integer, Long> committed(Job job) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(job.group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null && tp.topic().equals(job.input)) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the end offset of each input partition. */
    static Map<Integer, Long> ends(Job job) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int i = 0; i < job.partitions; i++) {
                req.put(new TopicPartition(job.input, i), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(req).all()
                    .get(10, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            r.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KafkaBatchWorker.Builder worker(Job job, String name) {
        return KafkaBatchWorker.builder().bootstrapServers(bootstrap()).groupId(job.group)
                .inputTopic(job.input).outputTopic(job.output).name(name)
                // Quick group moves for tests: a dead member is noticed within seconds.
                .consumerProperty("session.timeout.ms", "6000")
                .consumerProperty("heartbeat.interval.ms", "500");
    }
}
