package dev.fluxllm.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ApiTimeoutException;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.error.ExceptionFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.FluxSink;
import reactor.test.util.RaceTestUtils;

/** Checks {@link RetrySupport#untilFirstItem}: when it subscribes again, what demand each attempt gets, and how it ends. */
class RetryingStreamTest {

    static final RetryPolicy NO_JITTER = RetryPolicy.builder().maxRetries(3).initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(8)).jitter(false).build();
    static final RetryPolicy AT_ONCE = RetryPolicy.builder().maxRetries(1_000).initialBackoff(Duration.ZERO)
            .maxBackoff(Duration.ZERO).build();

    static OpenAiCompatException retryable() {
        return ExceptionFactory.timeout("no headers", null);
    }

    /** Fails the first {@code failures} subscriptions, then emits {@code items}; counts subscriptions. */
    static Flux<Integer> failing(int failures, AtomicInteger subscriptions, Integer... items) {
        return Flux.defer(() -> subscriptions.incrementAndGet() <= failures
                ? Flux.<Integer>error(retryable()) : Flux.just(items));
    }

    @Test
    void retriesBeforeTheFirstItemAfterThePolicysDelays() {
        AtomicInteger subscriptions = new AtomicInteger();
        List<String> heard = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> RetrySupport.untilFirstItem(failing(2, subscriptions, 1, 2), NO_JITTER,
                        (attempt, delay, cause) -> heard.add(attempt + "@" + delay.toMillis())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .then(() -> assertThat(subscriptions).hasValue(1))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> assertThat(subscriptions).hasValue(2))
                .expectNoEvent(Duration.ofMillis(1999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(1, 2)
                .verifyComplete();
        assertThat(subscriptions).hasValue(3);
        assertThat(heard).containsExactly("2@1000", "3@2000");
    }

    @Test
    void neverRetriesOnceAnItemWasDelivered() {
        AtomicInteger subscriptions = new AtomicInteger();
        Flux<Integer> oneThenFail = Flux.defer(() -> {
            subscriptions.incrementAndGet();
            return Flux.just(1).concatWith(Flux.error(retryable()));
        });
        StepVerifier.create(RetrySupport.untilFirstItem(oneThenFail, AT_ONCE, null))
                .expectNext(1)
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class)
                        .extracting(t -> ((OpenAiCompatException) t).attempts()).isEqualTo(1));
        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void exhaustedRetriesEndWithTheLastFailureTellingTheAttempts() {
        AtomicInteger subscriptions = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> RetrySupport.untilFirstItem(failing(10, subscriptions), NO_JITTER, null))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(60))
                .verifyErrorSatisfies(e -> assertThat(((OpenAiCompatException) e).attempts()).isEqualTo(4));
        assertThat(subscriptions).hasValue(4);
    }

    @Test
    void failuresThatAreNotRetryableOrNotTypedEndAtOnce() {
        IllegalStateException bug = new IllegalStateException("bug");
        StepVerifier.create(RetrySupport.untilFirstItem(Flux.error(bug), AT_ONCE, null)).verifyErrorMatches(e -> e == bug);
        OpenAiCompatException denied = ExceptionFactory.connection("refused", false, null);
        StepVerifier.create(RetrySupport.untilFirstItem(Flux.error(denied), AT_ONCE, null))
                .verifyErrorSatisfies(e -> assertThat(((OpenAiCompatException) e).attempts()).isEqualTo(1));
    }

    @Test
    void eachAttemptIsOwedExactlyWhatTheSubscriberAskedFor() {
        AtomicInteger subscriptions = new AtomicInteger();
        AtomicReference<FluxSink<Integer>> first = new AtomicReference<>();
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<Integer> attempt = Flux.defer(() -> subscriptions.incrementAndGet() == 1
                ? Flux.<Integer>create(first::set).doOnRequest(r -> requests.add(1000 + r))
                : Flux.range(1, 10).doOnRequest(r -> requests.add(2000 + r)));
        StepVerifier.withVirtualTime(() -> RetrySupport.untilFirstItem(attempt, NO_JITTER, null), 0)
                .expectSubscription()
                .thenRequest(3)
                .then(() -> first.get().error(retryable()))
                .thenRequest(2)
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(1, 2, 3, 4, 5)
                .thenRequest(1)
                .expectNext(6)
                .thenCancel()
                .verify();
        // Attempt 1 asked for 3; attempt 2 is owed the 3 and the 2 asked during the delay, then 1 more.
        assertThat(requests.get(0)).isEqualTo(1003L);
        assertThat(requests.stream().filter(r -> r > 2000)).containsExactly(2005L, 2001L);
    }

    @Test
    void cancellingDuringTheRetryDelayStopsRetrying() {
        AtomicInteger subscriptions = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> RetrySupport.untilFirstItem(failing(1, subscriptions, 1), NO_JITTER, null))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(500))
                .thenCancel()
                .verify();
        // The delay's timer was disposed: nothing runs when it would have fired.
        StepVerifier.withVirtualTime(() -> Flux.never().take(Duration.ofSeconds(10)))
                .expectSubscription().thenAwait(Duration.ofSeconds(10)).verifyComplete();
        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void cancellingCancelsTheRunningAttempt() {
        AtomicInteger cancels = new AtomicInteger();
        TestSubscriber<Integer> subscriber = TestSubscriber.create();
        RetrySupport.untilFirstItem(Flux.<Integer>never().doOnCancel(cancels::incrementAndGet), AT_ONCE, null)
                .subscribe(subscriber);
        subscriber.cancel();
        assertThat(cancels).hasValue(1);
    }

    @Test
    void requestsRacingAttemptSwitchesAreNeitherLostNorCountedTwice() {
        for (int round = 0; round < 300; round++) {
            AtomicInteger subscriptions = new AtomicInteger();
            AtomicLong lastAttemptRequested = new AtomicLong();
            Flux<Integer> attempt = Flux.defer(() -> subscriptions.incrementAndGet() <= 20
                    ? Flux.<Integer>error(retryable())
                    : Flux.<Integer>never().doOnRequest(lastAttemptRequested::addAndGet));
            AtomicReference<Subscription> subscription = new AtomicReference<>();
            BaseSubscriber<Integer> subscriber = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription s) {
                    subscription.set(s);
                }
            };
            RaceTestUtils.race(() -> RetrySupport.untilFirstItem(attempt, AT_ONCE, null).subscribe(subscriber), () -> {
                Subscription s;
                while ((s = subscription.get()) == null) {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 10; i++) {
                    s.request(1);
                }
            });
            assertThat(subscriptions).hasValue(21);
            assertThat(lastAttemptRequested).hasValue(10);
            subscriber.dispose();
        }
    }
}
