package dev.fluxllm.kafka;

/** Says what a {@link KafkaBatchWorker} promises about results when workers come, go or die. */
public enum Delivery {
    /**
     * Each input gets at least one result record: a result is produced as soon as it is ready, and
     * an input's offset is committed only after the broker acknowledged its result and every
     * earlier input of its partition's. A worker that dies before committing leaves its inputs to
     * the next owner, which may answer some again; results are keyed by {@code custom_id}, so
     * consumers can keep the last one (a compacted topic does that by itself).
     */
    AT_LEAST_ONCE,
    /**
     * Each input gets exactly one committed result record: results and the input offsets they
     * answer are committed in one Kafka transaction. Consumers of the output topic must read with
     * {@code isolation.level=read_committed}.
     */
    EXACTLY_ONCE
}
