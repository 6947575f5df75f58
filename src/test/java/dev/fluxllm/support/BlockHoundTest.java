package dev.fluxllm.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Proves the suite's guard is live: a blocking call on a non-blocking thread fails. */
class BlockHoundTest {

    @Test
    void parkingOnParallelThreadIsReported() {
        StepVerifier.create(Mono.fromRunnable(() -> LockSupport.parkNanos(1_000))
                        .subscribeOn(Schedulers.parallel()))
                .expectErrorMatches(e -> e.getClass().getName().endsWith("BlockingOperationError"))
                .verify(Duration.ofSeconds(5));
    }
}
