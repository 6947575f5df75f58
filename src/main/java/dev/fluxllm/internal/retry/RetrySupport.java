package dev.fluxllm.internal.retry;

import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.transport.CallObserver;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Builds the Reactor {@link Retry} for a call from a {@link RetryPolicy}: retries retryable
 * failures with the policy's delays, and hands the subscriber the last typed exception itself,
 * telling how many attempts were made.
 */
public final class RetrySupport {

    /** Hears about each retry before its delay starts. */
    @FunctionalInterface
    public interface RetryListener {
        void retryScheduled(int attempt, Duration delay, OpenAiCompatException cause);
    }

    private RetrySupport() {
    }

    /**
     * Returns the listener a caller put in the subscriber's Reactor {@code Context} under
     * {@link CallObserver#KEY}, null when none.
     */
    public static RetryListener listenerFrom(ContextView context) {
        CallObserver observer = CallObserver.from(context);
        return observer == CallObserver.NONE ? null : observer::retryScheduled;
    }

    /**
     * Returns {@code attempt} subscribed again after each retryable failure, with the policy's
     * delays, until its first item has reached the subscriber: never after, so no item is
     * delivered twice.
     *
     * @param listener told about each scheduled retry, may be null
     */
    public static <T> Flux<T> untilFirstItem(Flux<T> attempt, RetryPolicy policy, RetryListener listener) {
        return new RetryingStream<>(attempt, policy, listener);
    }

    /**
     * Returns the retry spec for a call that yields one value.
     *
     * @param listener told about each scheduled retry, may be null
     */
    public static Retry spec(RetryPolicy policy, RetryListener listener) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            int attempts = (int) Math.min(Integer.MAX_VALUE, signal.totalRetries() + 1);
            Decision d = afterFailure(signal.failure(), attempts, policy, listener);
            if (d.end() != null) {
                return Mono.error(d.end());
            }
            return d.delay().isZero() ? Mono.just(attempts) : Mono.delay(d.delay(), Schedulers.parallel()).thenReturn(attempts);
        }));
    }

    /** What follows a failed attempt: the wait before the next one, or the failure that ends the call. */
    record Decision(Duration delay, Throwable end) {
    }

    /**
     * Decides after attempt number {@code attempts} failed: non-typed and non-retryable failures,
     * and the last allowed attempt, end the call (typed ones telling the attempts made); otherwise
     * the policy's delay, of which the listener hears first.
     */
    static Decision afterFailure(Throwable failure, int attempts, RetryPolicy policy, RetryListener listener) {
        if (!(failure instanceof OpenAiCompatException e)) {
            return new Decision(null, failure);
        }
        if (!e.isRetryable() || attempts > policy.maxRetries()) {
            return new Decision(null, ExceptionFactory.withAttempts(e, attempts));
        }
        Duration delay = policy.delay(attempts, ThreadLocalRandom.current().nextDouble(), e.retryAfter());
        if (listener != null) {
            listener.retryScheduled(attempts + 1, delay, e);
        }
        return new Decision(delay, null);
    }
}
