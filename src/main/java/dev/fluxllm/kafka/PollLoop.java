package dev.fluxllm.kafka;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.batch.Batch;
import dev.fluxllm.batch.BatchLine;
import dev.fluxllm.batch.BatchLines;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Runs one worker on its own thread, the only thread that touches the consumer (and, exactly
 * once, the producer's transactions). Records are handed to the batch engine through a unicast
 * sink, at most the in-flight window at a time: past it the partitions are paused, and polling
 * goes on, so the group never sees a missed poll interval however slow the model is. Results come
 * back as events on a queue that this thread drains between polls.
 */
final class PollLoop implements Runnable {

    private static final Logger log = Loggers.getLogger(PollLoop.class);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final RuntimeException ABANDONED = new IllegalStateException("partition revoked: input abandoned") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final KafkaBatchWorker.Builder config;
    private final String name;
    private final RateBudget budget;
    private final Function<ChatRequest, Mono<ChatResponse>> call;
    private final BatchOptions options;
    private final int window;
    private final boolean exactlyOnce;

    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final Map<ChatRequest, PartitionTracker.Entry> refs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    /** The next offset to commit per partition, as far as inputs are done; only ever moves forward. */
    private final Map<TopicPartition, OffsetAndMetadata> doneOffsets = new HashMap<>();
    private final Sinks.Many<ChatRequest> inputs = Sinks.many().unicast().onBackpressureBuffer();

    volatile boolean closing;
    volatile boolean killed;
    volatile Throwable failure;
    volatile long lag;
    volatile int inFlight;
    volatile int partitions;
    volatile boolean paused;
    final AtomicLong done = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<String, String> producer;
    private Disposable batch;
    private int pending;

    PollLoop(KafkaBatchWorker.Builder config, String name) {
        this.config = config;
        this.name = name;
        this.budget = new RateBudget(config.jobRequestsPerMinute, config.jobTokensPerMinute);
        this.call = config.call;
        BatchOptions o = config.options;
        this.options = o.ordered() ? o.toBuilder().ordered(false).build() : o;
        // Generous by default: an input waiting for a resend holds its partition's offset, not the others' work.
        this.window = config.maxInFlight > 0 ? config.maxInFlight : Math.max(4 * options.maxBuffered(), 256);
        this.exactlyOnce = config.delivery == Delivery.EXACTLY_ONCE;
    }

    RateBudget budget() {
        return budget;
    }

    void wakeup() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        try {
            open();
            loop();
            if (!killed) {
                drainForClose();
            }
        } catch (Throwable e) {
            if (!killed) {
                failure = e;
                log.warn("Kafka batch worker {} stopped on a failure: {}", name, e.toString());
            }
        } finally {
            shutDown();
        }
    }

    private void open() {
        Properties c = new Properties();
        c.put("bootstrap.servers", config.bootstrapServers);
        c.put("group.id", config.groupId);
        c.put("auto.offset.reset", "earliest");
        c.put("max.poll.records", Integer.toString(Math.max(1, window)));
        c.put("client.id", name + "-consumer");
        if (exactlyOnce) {
            c.put("isolation.level", "read_committed");
        }
        c.putAll(config.commonProperties);
        c.putAll(config.consumerProperties);
        c.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        Properties p = new Properties();
        p.put("bootstrap.servers", config.bootstrapServers);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "2");
        p.put("client.id", name + "-producer");
        if (exactlyOnce) {
            p.put("transactional.id", config.groupId + "-" + name);
        }
        p.putAll(config.commonProperties);
        p.putAll(config.producerProperties);
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        if (exactlyOnce) {
            producer.initTransactions();
        }

        batch = Batch.run(inputs.asFlux(), this::callFor, options)
                .subscribe(r -> events.add(() -> onResult(r)),
                        e -> events.add(() -> {
                            throw new IllegalStateException("the batch engine ended: " + e.getMessage(), e);
                        }));
        consumer.subscribe(List.of(config.inputTopic), new Rebalance());
    }

    /** Runs a call unless its partition was taken away meanwhile; waits for the budget first. */
    private Mono<ChatResponse> callFor(ChatRequest request) {
        PartitionTracker.Entry entry = refs.get(request);
        if (entry == null || !entry.tracker.active) {
            return Mono.error(ABANDONED);
        }
        if (!budget.isLimited()) {
            return call.apply(request);
        }
        return budget.acquire(options.tokenEstimator().applyAsLong(request))
                .then(Mono.defer(() -> entry.tracker.active ? call.apply(request) : Mono.error(ABANDONED)));
    }

    private void loop() {
        while (!closing && !killed) {
            processEvents();
            commitDone(trackers.values());
            throttle();
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    take(record);
                }
            } catch (WakeupException e) {
                // close() or closeNow(): the loop condition decides.
            }
            updateLag();
        }
    }

    /** Pauses every assigned partition while the window is full, resumes once a quarter of it drained. */
    private void throttle() {
        inFlight = pending;
        if (pending >= window) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && pending <= window - Math.max(1, window / 4)) {
            consumer.resume(consumer.paused());
            paused = false;
        } else if (paused) {
            // Partitions assigned since the pause start unpaused.
            consumer.pause(consumer.assignment());
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionTracker tracker = trackers.get(tp);
        if (tracker == null) {
            return;
        }
        String text = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        BatchLine line = BatchLines.parse(text, "partition " + record.partition() + " offset " + record.offset());
        PartitionTracker.Entry entry = tracker.add(record.offset(), line.customId());
        pending++;
        if (!line.isValid()) {
            String key = line.customId() != null ? line.customId() : record.partition() + "-" + record.offset();
            complete(entry, key, BatchLines.invalid(line, 0), false);
            return;
        }
        refs.put(line.request(), entry);
        Sinks.EmitResult emitted = inputs.tryEmitNext(line.request());
        if (emitted.isFailure()) {
            throw new IllegalStateException("the batch engine refused an input: " + emitted);
        }
    }

    private void onResult(BatchResult result) {
        PartitionTracker.Entry entry = refs.remove(result.request());
        if (entry == null || !entry.tracker.active || entry.done || entry.result != null) {
            return;
        }
        complete(entry, entry.customId, BatchLines.output(entry.customId, result), result.isSuccess());
    }

    /** Produces a result: at once (done when acknowledged), or kept for the next transaction. */
    private void complete(PartitionTracker.Entry entry, String key, String value, boolean success) {
        entry.success = success;
        ProducerRecord<String, String> record = new ProducerRecord<>(config.outputTopic, key, value);
        if (exactlyOnce) {
            entry.result = record;
            entry.done = true;
            return;
        }
        send(entry, record);
    }

    private void send(PartitionTracker.Entry entry, ProducerRecord<String, String> record) {
        producer.send(record, (metadata, error) -> events.add(() -> {
            if (error == null) {
                entry.done = true;
            } else if (entry.tracker.active && !killed) {
                log.warn("Kafka batch worker {}: result for {} not acknowledged, sending again: {}", name,
                        entry.customId, error.toString());
                send(entry, record);
            }
        }));
    }

    private void processEvents() {
        Runnable event;
        while ((event = events.poll()) != null) {
            event.run();
        }
    }

    /** Moves the committed offset of each partition past its done inputs, never past one not done. */
    private void commitDone(Collection<PartitionTracker> which) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<PartitionTracker.Entry> finished = new ArrayList<>();
        for (PartitionTracker t : which) {
            List<PartitionTracker.Entry> popped = t.popDone();
            if (!popped.isEmpty()) {
                OffsetAndMetadata next = new OffsetAndMetadata(popped.get(popped.size() - 1).offset + 1);
                offsets.put(t.partition, next);
                doneOffsets.put(t.partition, next);
                finished.addAll(popped);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (exactlyOnce) {
            producer.beginTransaction();
            for (PartitionTracker.Entry e : finished) {
                producer.send(e.result);
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.debug("Kafka batch worker {}: offset commit failed, a later one covers it: {}", name, error.toString());
                }
            });
        }
        pending -= finished.size();
        inFlight = pending;
        for (PartitionTracker.Entry e : finished) {
            done.incrementAndGet();
            if (!e.success) {
                failed.incrementAndGet();
            }
        }
    }

    /** Waits (bounded) for the inputs of {@code which} to finish, committing as they do. */
    private void finish(Collection<PartitionTracker> which, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            processEvents();
            commitDone(which);
            if (which.stream().allMatch(PartitionTracker::isIdle) || System.nanoTime() - deadline > 0 || killed) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private void release(Collection<TopicPartition> revoked, boolean commit) {
        List<PartitionTracker> gone = new ArrayList<>();
        for (TopicPartition tp : revoked) {
            PartitionTracker t = trackers.get(tp);
            if (t != null) {
                gone.add(t);
            }
        }
        if (commit && !gone.isEmpty()) {
            finish(gone, config.revocationTimeout);
            if (!exactlyOnce) {
                // Everything done is committed before the partitions go to their next owner.
                commitSync(gone.stream().map(t -> t.partition).toList());
            }
        }
        for (PartitionTracker t : gone) {
            t.active = false;
            pending -= t.size();
            trackers.remove(t.partition);
            doneOffsets.remove(t.partition);
        }
        inFlight = pending;
    }

    private void drainForClose() {
        consumer.pause(consumer.assignment());
        paused = true;
        long deadline = System.nanoTime() + config.closeTimeout.toNanos();
        while (pending > 0 && System.nanoTime() - deadline < 0 && !killed) {
            processEvents();
            commitDone(trackers.values());
            try {
                consumer.poll(POLL); // paused: keeps the membership alive, fetches nothing
            } catch (WakeupException e) {
                // Already closing.
            }
        }
        if (!killed && !exactlyOnce) {
            commitSync(new ArrayList<>(doneOffsets.keySet()));
        }
    }

    private void commitSync(List<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : which) {
            OffsetAndMetadata o = doneOffsets.get(tp);
            if (o != null) {
                offsets.put(tp, o);
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private void updateLag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            sum += consumer.currentLag(tp).orElse(0);
        }
        lag = sum;
    }

    private void shutDown() {
        if (batch != null) {
            batch.dispose();
        }
        for (PartitionTracker t : trackers.values()) {
            t.active = false;
        }
        try {
            if (consumer != null) {
                // Leaves the group, so that the partitions move at once; commits nothing.
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        } catch (RuntimeException e) {
            log.debug("Kafka batch worker {}: consumer close: {}", name, e.toString());
        }
        try {
            if (producer != null) {
                producer.close(killed ? Duration.ZERO : Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            log.debug("Kafka batch worker {}: producer close: {}", name, e.toString());
        }
        partitions = 0;
        inFlight = 0;
    }

    private void reshare() {
        partitions = trackers.size();
        if (budget.isLimited()) {
            int total = consumer.partitionsFor(config.inputTopic).size();
            budget.share(total == 0 ? 0 : (double) trackers.size() / total);
        }
    }

    /** Runs inside poll(), on this thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (killed) {
                return;
            }
            release(revoked, true);
            reshare();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            release(lost, false);
            reshare();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition tp : assigned) {
                trackers.computeIfAbsent(tp, PartitionTracker::new);
            }
            reshare();
        }
    }
}
