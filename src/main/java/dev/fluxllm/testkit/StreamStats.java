package dev.fluxllm.testkit;

import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** Counts chat-completion responses: open now, written to the end, and abandoned by their clients. */
final class StreamStats {

    private final AtomicInteger active = new AtomicInteger();
    private final CountSignal completed = new CountSignal();
    private final CountSignal cancelled = new CountSignal();

    void started() {
        active.incrementAndGet();
    }

    /** Records the end of a response; {@code finished} says whether the whole script was written. */
    void ended(boolean finished) {
        active.decrementAndGet();
        (finished ? completed : cancelled).increment();
    }

    int active() {
        return active.get();
    }

    long completed() {
        return completed.get();
    }

    long cancelled() {
        return cancelled.get();
    }

    Mono<Long> cancelledReaches(long count) {
        return cancelled.reaches(count);
    }
}
