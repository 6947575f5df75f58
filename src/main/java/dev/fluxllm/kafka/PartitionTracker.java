package dev.fluxllm.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Tracks the inputs of one assigned partition in offset order, so that the committed offset only
 * ever moves past inputs that are done: a later input finished early waits for the earlier ones.
 * Owned by the poll thread; {@link #active} is read by call threads to skip abandoned inputs.
 */
final class PartitionTracker {

    /** One input taken from the partition. */
    static final class Entry {
        final PartitionTracker tracker;
        final long offset;
        final String customId;
        /** The result to produce (exactly once: inside the transaction that commits the offset). */
        ProducerRecord<String, String> result;
        boolean success;
        boolean done;

        Entry(PartitionTracker tracker, long offset, String customId) {
            this.tracker = tracker;
            this.offset = offset;
            this.customId = customId;
        }
    }

    final TopicPartition partition;
    volatile boolean active = true;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    PartitionTracker(TopicPartition partition) {
        this.partition = partition;
    }

    Entry add(long offset, String customId) {
        Entry e = new Entry(this, offset, customId);
        entries.addLast(e);
        return e;
    }

    int size() {
        return entries.size();
    }

    /** Removes and returns the done entries at the head: those the offset may now move past. */
    List<Entry> popDone() {
        List<Entry> out = new ArrayList<>();
        while (!entries.isEmpty() && entries.peekFirst().done) {
            out.add(entries.pollFirst());
        }
        return out;
    }

    /** Returns whether an input is still at the head waiting, i.e. the offset cannot move. */
    boolean isIdle() {
        return entries.isEmpty();
    }
}
