package dev.fluxllm.testkit;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Counts events and lets a test wait until the count reaches a target, without polling or
 * sleeping. Lock-free: increments come from event-loop threads, which must never block.
 */
final class CountSignal {

    private record Waiter(long target, MonoSink<Long> sink) {
    }

    private final AtomicLong count = new AtomicLong();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    /** Returns the current count. */
    long get() {
        return count.get();
    }

    /** Adds one and releases the waiters whose target is reached. */
    void increment() {
        long now = count.incrementAndGet();
        waiters.removeIf(w -> {
            if (w.target() <= now) {
                w.sink().success(now);
                return true;
            }
            return false;
        });
    }

    /**
     * Returns a Mono that emits the count once it is at least {@code target}; cold, and
     * cancelling it forgets the wait.
     */
    Mono<Long> reaches(long target) {
        return Mono.create(sink -> {
            Waiter waiter = new Waiter(target, sink);
            waiters.add(waiter);
            sink.onDispose(() -> waiters.remove(waiter));
            // Checked after registering: an increment in between is seen by one side or the other.
            long now = count.get();
            if (now >= target) {
                sink.success(now);
            }
        });
    }
}
