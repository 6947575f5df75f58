package dev.fluxllm.batch;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Collects finished calls from any thread for the drain loop: a lock-free stack linked through
 * the entries themselves, so reporting a result allocates nothing, and the drain loop takes
 * everything pushed so far in one swap, oldest first.
 *
 * @param <T> the entry type, which carries its own link
 */
final class DoneStack<T extends DoneStack.Node<T>> {

    /** An entry that can be pushed once. */
    abstract static class Node<T> {
        T nextDone;
    }

    private final AtomicReference<T> head = new AtomicReference<>();

    /** Pushes {@code node}; safe from any thread. */
    void push(T node) {
        for (;;) {
            T current = head.get();
            node.nextDone = current;
            if (head.compareAndSet(current, node)) {
                return;
            }
        }
    }

    /** Takes every node pushed so far and returns the oldest, linked to the newer ones; null when none. */
    T takeAll() {
        T node = head.getAndSet(null);
        T oldest = null;
        while (node != null) {
            T next = node.nextDone;
            node.nextDone = oldest;
            oldest = node;
            node = next;
        }
        return oldest;
    }
}
