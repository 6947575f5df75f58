package dev.fluxllm.testkit;

import java.util.List;
import reactor.core.publisher.Mono;

/** Keeps every request in arrival order and lets a test wait for the N-th one. */
final class RequestLog {

    private final java.util.Deque<RecordedRequest> requests = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final CountSignal received = new CountSignal();
    private final int limit;
    private final java.util.concurrent.atomic.AtomicInteger kept = new java.util.concurrent.atomic.AtomicInteger();

    /** @param limit how many of the latest requests are kept; all are counted */
    RequestLog(int limit) {
        this.limit = limit;
    }

    void add(RecordedRequest request) {
        requests.addLast(request);
        if (kept.incrementAndGet() > limit && requests.pollFirst() != null) {
            kept.decrementAndGet();
        }
        received.increment();
    }

    List<RecordedRequest> snapshot() {
        return List.copyOf(requests);
    }

    int count() {
        return (int) received.get();
    }

    /** Emits a snapshot once at least {@code count} requests arrived. */
    Mono<List<RecordedRequest>> reaches(int count) {
        return received.reaches(count).map(n -> snapshot());
    }
}
