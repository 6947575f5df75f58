package dev.fluxllm.batch;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Holds the calls in flight: an array where each entry knows its slot, so adding and removing
 * are constant time with no node per call (a {@code HashSet} allocated one per call and hashed
 * twice). Graceful shutdown and cancellation walk it to reach every call still running.
 * Not thread-safe.
 *
 * @param <T> the entry type, which carries its own slot
 */
final class RunningCalls<T extends RunningCalls.Slotted> {

    /** An entry that records where it sits; starts at -1, absent. */
    interface Slotted {
        int slot();

        void slot(int slot);
    }

    private Slotted[] entries = new Slotted[16];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(T entry) {
        if (size == entries.length) {
            entries = Arrays.copyOf(entries, size * 2);
        }
        entry.slot(size);
        entries[size++] = entry;
    }

    /** Removes {@code entry}; returns false when it was not here. */
    boolean remove(T entry) {
        int slot = entry.slot();
        if (slot < 0 || slot >= size || entries[slot] != entry) {
            return false;
        }
        Slotted last = entries[--size];
        entries[slot] = last;
        last.slot(slot);
        entries[size] = null;
        entry.slot(-1);
        return true;
    }

    /** Empties the set, handing each entry to {@code action} first. */
    @SuppressWarnings("unchecked")
    void clear(Consumer<T> action) {
        for (int i = 0; i < size; i++) {
            T entry = (T) entries[i];
            entries[i] = null;
            entry.slot(-1);
            action.accept(entry);
        }
        size = 0;
    }
}
