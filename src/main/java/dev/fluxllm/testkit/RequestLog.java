package dev.fluxllm.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/** Keeps every request in arrival order and lets a test wait for the N-th one. */
final class RequestLog {

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final CountSignal received = new CountSignal();

    void add(RecordedRequest request) {
        requests.add(request);
        received.increment();
    }

    List<RecordedRequest> snapshot() {
        return List.copyOf(requests);
    }

    int count() {
        return requests.size();
    }

    /** Emits a snapshot once at least {@code count} requests arrived. */
    Mono<List<RecordedRequest>> reaches(int count) {
        return received.reaches(count).map(n -> snapshot());
    }
}
