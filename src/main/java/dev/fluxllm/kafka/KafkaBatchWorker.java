package dev.fluxllm.kafka;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.batch.BatchLines;
import dev.fluxllm.batch.BatchOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Runs a batch job from a Kafka topic: consumes request records (OpenAI Batch input lines, see
 * {@link BatchLines}) as a member of a consumer group, sends them through the same engine as
 * {@link dev.fluxllm.batch.Batch} (concurrency adaptive on 429, rate limits, resends), and
 * produces one result record per input (an OpenAI Batch output line) keyed by its
 * {@code custom_id}. Start as many workers as the input topic has partitions, in one JVM or many;
 * Kafka's group protocol spreads the partitions, and there is no other coordinator.
 *
 * <pre>{@code
 * KafkaBatchWorker worker = KafkaBatchWorker.builder()
 *     .bootstrapServers("localhost:9092").groupId("summaries")
 *     .inputTopic("summaries.requests").outputTopic("summaries.results")
 *     .client(client)
 *     .options(BatchOptions.builder().maxConcurrency(32).build())
 *     .jobRequestsPerMinute(3_000)          // for all workers together
 *     .build()
 *     .start();
 * ...
 * worker.close();                           // finishes in-flight work (bounded), commits, leaves
 * }</pre>
 *
 * <p><b>Delivery</b> ({@link Delivery}): an input's offset is committed only once its result is
 * acknowledged (or, exactly once, committed in the same transaction), and never past an earlier
 * input of its partition that is not done. Invalid records and inputs that keep failing become
 * error results after their retries; they never block a partition.
 *
 * <p><b>Backpressure</b>: at most {@link Builder#maxInFlight} inputs are taken and not done;
 * beyond it the partitions are paused while polling goes on, so a slow model never costs the group
 * membership. <b>Rebalance</b>: revoked partitions are no longer taken from; their inputs in flight
 * get {@link Builder#revocationTimeout} to finish, what is done is committed, and the rest is left
 * to the next owner. <b>Budget</b>: {@link Builder#jobRequestsPerMinute} and
 * {@link Builder#jobTokensPerMinute} are the job's, split by this worker's share of the input
 * topic's partitions, recomputed on every rebalance.
 *
 * <p>The Kafka client blocks, so each worker has one thread of its own that polls, commits and
 * runs the transactions; results are handed to it, and no Kafka call runs on a Reactor thread.
 * Needs {@code org.apache.kafka:kafka-clients} on the class path (an optional dependency of this
 * library). Not reusable: build a new worker to start again.
 */
public final class KafkaBatchWorker implements AutoCloseable {

    /** Default wait for in-flight inputs of revoked partitions: 10 s. */
    public static final Duration DEFAULT_REVOCATION_TIMEOUT = Duration.ofSeconds(10);
    /** Default wait for in-flight inputs on {@link #close()}: 30 s. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final PollLoop loop;
    private final Thread thread;
    private volatile boolean started;

    private KafkaBatchWorker(Builder b) {
        this.name = b.name;
        this.loop = new PollLoop(b, b.name);
        this.thread = new Thread(loop, "fluxllm-kafka-" + b.name);
        this.thread.setDaemon(true);
    }

    /** Starts building a worker. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts the worker's thread: it joins the group and begins taking records. Returns this worker. */
    public synchronized KafkaBatchWorker start() {
        if (started) {
            throw new IllegalStateException("worker " + name + " was already started");
        }
        started = true;
        thread.start();
        return this;
    }

    /** Returns this worker's name (its thread, client ids and transactional id derive from it). */
    public String name() {
        return name;
    }

    /** Returns a snapshot of this worker's progress. */
    public WorkerProgress progress() {
        return new WorkerProgress(loop.done.get(), loop.failed.get(), loop.inFlight, loop.lag, loop.partitions,
                loop.budget().isLimited() ? loop.budget().requestsPerMinute() : 0, loop.paused);
    }

    /** Returns this worker's share of the job's budget: its partitions over the input topic's, 0 when none. */
    public double budgetShare() {
        return loop.budget().share();
    }

    /** Returns whether the worker's thread is running. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Returns why the worker stopped on its own (fenced, broker refused, engine aborted), null when it did not. */
    public Throwable failure() {
        return loop.failure;
    }

    /**
     * Stops taking records, waits up to the {@linkplain Builder#closeTimeout close timeout} for the
     * inputs in flight, commits what is done, leaves the group and closes the Kafka clients. Blocks
     * the calling thread until then; do not call it on an event loop.
     */
    @Override
    public void close() {
        loop.closing = true;
        loop.wakeup();
        join();
    }

    /**
     * Stops at once, as a crash would: in-flight calls are cancelled, nothing more is produced or
     * committed. The inputs not committed are redone by the partitions' next owner. Blocks until
     * the worker's thread has ended.
     */
    public void closeNow() {
        loop.killed = true;
        loop.wakeup();
        join();
    }

    private void join() {
        if (!started) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "KafkaBatchWorker[" + name + ", " + progress() + "]";
    }

    /** Builds a {@link KafkaBatchWorker}; every setter validates its value, {@link #build()} the whole. */
    public static final class Builder {
        String bootstrapServers;
        String groupId;
        String inputTopic;
        String outputTopic;
        Function<ChatRequest, Mono<ChatResponse>> call;
        BatchOptions options = BatchOptions.defaults();
        Delivery delivery = Delivery.AT_LEAST_ONCE;
        int jobRequestsPerMinute;
        long jobTokensPerMinute;
        int maxInFlight;
        Duration revocationTimeout = DEFAULT_REVOCATION_TIMEOUT;
        Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        String name = "worker-" + UUID.randomUUID().toString().substring(0, 8);
        final Map<String, Object> commonProperties = new HashMap<>();
        final Map<String, Object> consumerProperties = new HashMap<>();
        final Map<String, Object> producerProperties = new HashMap<>();

        private Builder() {
        }

        /** Sets the Kafka cluster to join, {@code host:port[,host:port...]} (required). */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = notBlank("bootstrapServers", servers);
            return this;
        }

        /** Sets the consumer group shared by all workers of one job (required). */
        public Builder groupId(String groupId) {
            this.groupId = notBlank("groupId", groupId);
            return this;
        }

        /** Sets the topic of request records (required). */
        public Builder inputTopic(String topic) {
            this.inputTopic = notBlank("inputTopic", topic);
            return this;
        }

        /** Sets the topic result records go to, keyed by {@code custom_id} (required). */
        public Builder outputTopic(String topic) {
            this.outputTopic = notBlank("outputTopic", topic);
            return this;
        }

        /** Sends the requests through {@code client.generate}; the client stays the caller's to close. */
        public Builder client(OpenAiCompatClient client) {
            Objects.requireNonNull(client, "client");
            this.call = client::generate;
            return this;
        }

        /** Sends the requests through any call: a router, a test fake. */
        public Builder call(Function<ChatRequest, Mono<ChatResponse>> call) {
            this.call = Objects.requireNonNull(call, "call");
            return this;
        }

        /**
         * Sets the batch options: concurrency (adaptive on 429), per-worker rate limits, resends
         * (default {@link BatchOptions#defaults()}). Results are taken unordered whatever
         * {@code ordered} says: the offsets keep the order.
         */
        public Builder options(BatchOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Sets the delivery guarantee (default {@link Delivery#AT_LEAST_ONCE}). */
        public Builder delivery(Delivery delivery) {
            this.delivery = Objects.requireNonNull(delivery, "delivery");
            return this;
        }

        /** Sets the requests per minute of the whole job, split among workers by partitions; 0 for none (default). */
        public Builder jobRequestsPerMinute(int rpm) {
            if (rpm < 0) {
                throw new IllegalArgumentException("jobRequestsPerMinute must be at least 0, got " + rpm);
            }
            this.jobRequestsPerMinute = rpm;
            return this;
        }

        /** Sets the estimated tokens per minute of the whole job, split like requests; 0 for none (default). */
        public Builder jobTokensPerMinute(long tpm) {
            if (tpm < 0) {
                throw new IllegalArgumentException("jobTokensPerMinute must be at least 0, got " + tpm);
            }
            this.jobTokensPerMinute = tpm;
            return this;
        }

        /**
         * Sets the most inputs taken and not done at once, beyond which the partitions are paused;
         * at least 1, 0 for {@code max(4 * maxBuffered, 256)} (default; see {@link BatchOptions#maxBuffered()}). Also caps
         * {@code max.poll.records}, so at most twice this many are ever held.
         */
        public Builder maxInFlight(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxInFlight must be at least 0, got " + max);
            }
            this.maxInFlight = max;
            return this;
        }

        /** Sets the wait for in-flight inputs of revoked partitions (default 10 s). */
        public Builder revocationTimeout(Duration timeout) {
            this.revocationTimeout = notNegative("revocationTimeout", timeout);
            return this;
        }

        /** Sets the wait for in-flight inputs on {@link KafkaBatchWorker#close()} (default 30 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = notNegative("closeTimeout", timeout);
            return this;
        }

        /** Sets the worker's name, unique in its group (default {@code worker-} and a random suffix). */
        public Builder name(String name) {
            this.name = notBlank("name", name);
            return this;
        }

        /** Passes a Kafka client property to both the consumer and the producer (e.g. security settings). */
        public Builder property(String key, Object value) {
            commonProperties.put(notBlank("property key", key), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Passes a property to the consumer only; {@code enable.auto.commit} is always false. */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(notBlank("consumerProperty key", key), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Passes a property to the producer only. */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(notBlank("producerProperty key", key), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Builds the worker; fails naming the first required setting that is missing. */
        public KafkaBatchWorker build() {
            require("bootstrapServers", bootstrapServers);
            require("groupId", groupId);
            require("inputTopic", inputTopic);
            require("outputTopic", outputTopic);
            require("client or call", call);
            if (inputTopic.equals(outputTopic)) {
                throw new IllegalArgumentException("inputTopic and outputTopic must differ, both are " + inputTopic);
            }
            return new KafkaBatchWorker(this);
        }

        private static void require(String field, Object value) {
            if (value == null) {
                throw new IllegalArgumentException(field + " is required");
            }
        }

        private static String notBlank(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return value;
        }

        private static Duration notNegative(String field, Duration value) {
            Objects.requireNonNull(value, field);
            if (value.isNegative()) {
                throw new IllegalArgumentException(field + " must not be negative, got " + value);
            }
            return value;
        }
    }
}
