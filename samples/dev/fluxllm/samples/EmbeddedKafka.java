package dev.fluxllm.samples;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Starts a one-node Kafka cluster in KRaft mode inside this JVM (Kafka's own test kit), for the
 * Kafka samples and tests: no Docker, no ZooKeeper. Closing it stops the node and deletes its logs.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static EmbeddedKafka shared;

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the node and waits until it serves. */
    public static EmbeddedKafka start() {
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka node did not start", e);
        }
    }

    /** Returns one node shared by every caller in this JVM, started on first use and stopped at exit. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            shared = start();
            EmbeddedKafka node = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "embedded-kafka-stop"));
        }
        return shared;
    }

    /** Returns the {@code bootstrap.servers} value of the node. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics with the given partition counts, one replica each, and waits for them. */
    public void createTopics(Map<String, Integer> partitions) {
        createTopics(bootstrapServers(), partitions);
    }

    /** Creates topics on any cluster (replication factor 1 unless the cluster needs more). */
    public static void createTopics(String bootstrapServers, Map<String, Integer> partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<NewTopic> topics = partitions.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1)).toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            // Created is not yet served: wait until every partition has a leader.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!served(admin, partitions.keySet())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + partitions.keySet() + " have no leaders yet");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + partitions.keySet(), e);
        }
    }

    /** Returns whether every partition of the topics has a leader; false while the broker does not know them yet. */
    private static boolean served(Admin admin, java.util.Set<String> topics) throws Exception {
        try {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka node did not stop cleanly", e);
        }
    }
}
