package dev.fluxllm.kafka;

import dev.fluxllm.batch.BatchLines;
import dev.fluxllm.batch.BatchOutcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Sums a whole job's progress from its output topic, whichever workers wrote it: how many inputs
 * are answered, how many of those failed, and how many result records repeat an answer (redone
 * after a worker died, at least once).
 *
 * @param records     committed result records read
 * @param answered    distinct {@code custom_id}s among them (invalid records without one count once each)
 * @param failed      answered inputs whose last result is an error
 * @param duplicates  result records beyond the first for their {@code custom_id}
 */
public record JobTally(long records, long answered, long failed, long duplicates) {

    /**
     * Reads {@code outputTopic} from its beginning to its current end with
     * {@code isolation.level=read_committed}, outside any consumer group. Blocks the calling thread
     * (at most about {@code timeout}); do not call it on an event loop. Memory grows with the
     * number of distinct {@code custom_id}s.
     *
     * @param properties extra consumer properties (security settings...), may be empty
     */
    public static JobTally read(String bootstrapServers, String outputTopic, Map<String, ?> properties,
                                Duration timeout) {
        Objects.requireNonNull(outputTopic, "outputTopic");
        Properties p = new Properties();
        p.put("bootstrap.servers", Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        p.putAll(properties);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Boolean> lastSuccess = new HashMap<>();
        long records = 0;
        long anonymous = 0;
        long anonymousFailed = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(outputTopic, timeout).stream()
                    .map(i -> new TopicPartition(outputTopic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the output topic " + outputTopic + " was not read to its end within "
                            + timeout);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    BatchOutcome o;
                    try {
                        o = BatchLines.read(r.value());
                    } catch (IllegalArgumentException e) {
                        continue; // not a result record: not ours to count
                    }
                    if (o.customId() == null) {
                        anonymous++;
                        anonymousFailed++;
                    } else {
                        lastSuccess.put(o.customId(), o.isSuccess());
                    }
                }
            }
        }
        long failed = anonymousFailed + lastSuccess.values().stream().filter(ok -> !ok).count();
        long answered = lastSuccess.size() + anonymous;
        return new JobTally(records, answered, failed, records - answered);
    }
}
