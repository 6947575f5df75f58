package dev.fluxllm.internal.retry;

import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.error.ExceptionFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Subscribes to a stream again after a retryable failure, as the policy allows, until its first
 * item has reached the subscriber; never after, so no item is delivered twice. Failures end the
 * stream as {@link RetrySupport#spec} would: the typed exception, telling how many attempts were made.
 *
 * <p>One operator instead of {@code retryWhen} and a flag set per item: no companion sink and
 * {@code concatMap} per call, no serializing subscriber and flag hop per item.
 */
final class RetryingStream<T> extends Flux<T> {

    private final Flux<T> attempt;
    private final RetryPolicy policy;
    private final RetrySupport.RetryListener listener;

    RetryingStream(Flux<T> attempt, RetryPolicy policy, RetrySupport.RetryListener listener) {
        this.attempt = attempt;
        this.policy = policy;
        this.listener = listener;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Main<T> main = new Main<>(actual, this);
        actual.onSubscribe(main);
        main.subscribeNext();
    }

    private static final class Main<T> implements CoreSubscriber<T>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<Main> MISSED_REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Main.class, "missedRequested");
        @SuppressWarnings("rawtypes")
        private static final AtomicReferenceFieldUpdater<Main, Subscription> MISSED_SUBSCRIPTION =
                AtomicReferenceFieldUpdater.newUpdater(Main.class, Subscription.class, "missedSubscription");
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Main> WIP = AtomicIntegerFieldUpdater.newUpdater(Main.class, "wip");

        private final CoreSubscriber<? super T> actual;
        /**
         * Dropped at the first item, after which nothing is retried: it holds the request (its
         * serialized body) for the next attempt, and an open stream would keep it for its life.
         */
        private RetryingStream<T> parent;

        private volatile long missedRequested;
        private volatile Subscription missedSubscription;
        private volatile int wip;
        private volatile boolean cancelled;
        private volatile Disposable pendingRetry;
        // Owned by the drain loop: all the subscriber asked for, and the current attempt.
        private long requested;
        private Subscription subscription;
        // Written by the current attempt's signals, which never overlap.
        private boolean started;
        private int retries;

        Main(CoreSubscriber<? super T> actual, RetryingStream<T> parent) {
            this.actual = actual;
            this.parent = parent;
        }

        void subscribeNext() {
            RetryingStream<T> p = parent;
            if (!cancelled && p != null) {
                p.attempt.subscribe(this);
            }
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            // A new attempt starts only after the last one ended, before any item: it owes the
            // subscriber everything asked for so far.
            MISSED_SUBSCRIPTION.set(this, s);
            drain();
        }

        @Override
        public void onNext(T item) {
            if (!started) {
                started = true;
                parent = null;
            }
            actual.onNext(item);
        }

        @Override
        public void onError(Throwable failure) {
            if (cancelled) {
                // Nobody listens any more.
                return;
            }
            int attempts = retries + 1;
            if (started) {
                // Never after an item: it would be delivered twice.
                actual.onError(failure instanceof OpenAiCompatException e ? ExceptionFactory.withAttempts(e, attempts) : failure);
                return;
            }
            Duration delay;
            try {
                RetrySupport.Decision d = RetrySupport.afterFailure(failure, attempts, parent.policy, parent.listener);
                if (d.end() != null) {
                    actual.onError(d.end());
                    return;
                }
                delay = d.delay();
            } catch (RuntimeException listenerFailure) {
                actual.onError(Operators.onOperatorError(listenerFailure, actual.currentContext()));
                return;
            }
            retries = attempts;
            if (delay.isZero()) {
                subscribeNext();
                return;
            }
            try {
                // Looked up now, not kept: virtual-time tests replace the scheduler.
                pendingRetry = Schedulers.parallel().schedule(this::subscribeNext, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RuntimeException rejected) {
                actual.onError(Operators.onRejectedExecution(rejected, actual.currentContext()));
                return;
            }
            if (cancelled) {
                pendingRetry.dispose();
            }
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(MISSED_REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            Disposable retry = pendingRetry;
            if (retry != null) {
                retry.dispose();
            }
            drain();
        }

        /** Hands demand to the current attempt and cancels it on cancel; serialized, so no request is counted twice. */
        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            do {
                long more = MISSED_REQUESTED.getAndSet(this, 0L);
                Subscription next = MISSED_SUBSCRIPTION.getAndSet(this, null);
                if (cancelled) {
                    Subscription current = subscription;
                    subscription = null;
                    if (current != null) {
                        current.cancel();
                    }
                    if (next != null) {
                        next.cancel();
                    }
                } else {
                    requested = Operators.addCap(requested, more);
                    if (next != null) {
                        subscription = next;
                        if (requested != 0) {
                            next.request(requested);
                        }
                    } else if (more != 0 && subscription != null) {
                        subscription.request(more);
                    }
                }
                missed = WIP.addAndGet(this, -missed);
            } while (missed != 0);
        }
    }
}
