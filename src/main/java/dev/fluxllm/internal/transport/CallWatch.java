package dev.fluxllm.internal.transport;

import dev.fluxllm.internal.error.ExceptionFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Watches one attempt of a call, as a single operator between the transport and the subscriber:
 * <ul>
 *   <li>the response timeout until the headers arrive, then the idle timeout between data
 *       events, checked by the client's {@link Deadlines} (one scheduled task for all calls;
 *       moving a deadline is a volatile write, and a check that comes before the deadline asks
 *       for the next one);</li>
 *   <li>the idle timeout runs only while the subscriber waits for an item it asked for: a slow
 *       subscriber that requests nothing for a while (and so reads nothing) is not a silent server;</li>
 *   <li>closing the client ends the call ({@link OpenCalls});</li>
 *   <li>transport failures become typed exceptions.</li>
 * </ul>
 * One operator instead of a chain of them: every open stream keeps fewer objects, and every item
 * passes fewer subscribers.
 */
final class CallWatch<T> extends Deadlines.Entry implements CoreSubscriber<T>, Subscription, OpenCalls.Call {

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<CallWatch, Subscription> UPSTREAM =
            AtomicReferenceFieldUpdater.newUpdater(CallWatch.class, Subscription.class, "upstream");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<CallWatch> REQUESTED = AtomicLongFieldUpdater.newUpdater(CallWatch.class, "requested");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<CallWatch> DELIVERED = AtomicLongFieldUpdater.newUpdater(CallWatch.class, "delivered");
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<CallWatch> WIP = AtomicIntegerFieldUpdater.newUpdater(CallWatch.class, "wip");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<CallWatch, Object> TERMINAL =
            AtomicReferenceFieldUpdater.newUpdater(CallWatch.class, Object.class, "terminal");
    private static final Object COMPLETE = new Object();

    private final Deadlines deadlines;
    private final WatchSettings settings;
    private final String what;
    private final long startedAt;
    private volatile boolean headersArrived;
    /** When data last arrived, or the subscriber last started waiting. */
    private volatile long lastActivity;
    /** Items the subscriber asked for, in total (capped at Long.MAX_VALUE). */
    private volatile long requested;
    /** Items delivered; written only by the (serialized) onNext, read by the timer. */
    private volatile long delivered;

    private CoreSubscriber<? super T> actual;
    /** The subscriber's context, with what the attempt adds for the transport; set at subscription. */
    private Context context;
    private volatile Subscription upstream;
    /** Serializes terminal signals that come from the timer or close() with onNext. */
    private volatile int wip;
    /** The terminal signal: a Throwable, or COMPLETE. */
    private volatile Object terminal;

    CallWatch(Deadlines deadlines, WatchSettings settings, String what) {
        this.deadlines = deadlines;
        this.settings = settings;
        this.what = what;
        this.startedAt = now();
    }

    void headersArrived() {
        lastActivity = now();
        headersArrived = true;
    }

    /** Returns what the call is, for messages ({@code POST http://host/v1/chat/completions}). */
    String what() {
        return what;
    }

    /** Records data from the server: the idle deadline starts again. Called once per network read. */
    void touch() {
        lastActivity = now();
    }

    /**
     * Returns the call watched: timed out, ended when the client closes, its transport failures
     * typed. {@code key} and {@code value}, unless null, are added to the context the call sees.
     * Subscribe to it once.
     */
    Flux<T> guard(Flux<T> call, Object key, Object value) {
        return new Flux<T>() {
            @Override
            public void subscribe(CoreSubscriber<? super T> subscriber) {
                if (actual != null) {
                    Operators.error(subscriber, new IllegalStateException("A call attempt is subscribed once"));
                    return;
                }
                actual = subscriber;
                context = key == null ? subscriber.currentContext() : subscriber.currentContext().put(key, value);
                if (!settings.calls.add(CallWatch.this)) {
                    Operators.error(subscriber, settings.calls.closedError(what));
                    return;
                }
                call.subscribe(CallWatch.this);
            }
        };
    }

    // ---- subscriber side ----

    @Override
    public Context currentContext() {
        return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.setOnce(UPSTREAM, this, s)) {
            actual.onSubscribe(this);
            if (settings.timed) {
                deadlines.reconsider(this);
            }
        }
    }

    @Override
    public void onNext(T item) {
        // One writer (onNext is serialized): an ordered store, no full fence per item.
        DELIVERED.lazySet(this, delivered + 1);
        if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            actual.onNext(item);
            if (WIP.decrementAndGet(this) != 0) {
                deliverTerminal();
            }
        } else {
            // A timeout or close() is ending the call: the item goes nowhere.
            Operators.onDiscard(item, actual.currentContext());
        }
    }

    @Override
    public void onError(Throwable t) {
        finish(TransportErrors.map(t, what));
    }

    @Override
    public void onComplete() {
        finish(COMPLETE);
    }

    // ---- subscription side ----

    @Override
    public void request(long n) {
        if (!Operators.validate(n)) {
            return;
        }
        long before = Operators.addCap(REQUESTED, this, n);
        if (before <= delivered) {
            // The subscriber starts waiting now: silence before this moment was its own choice.
            lastActivity = now();
        }
        upstream.request(n);
    }

    @Override
    public void cancel() {
        Operators.terminate(UPSTREAM, this);
        stopTimer();
        settings.calls.remove(this);
    }

    /** Ends the call at once because the client closed. */
    @Override
    public void terminate() {
        Operators.terminate(UPSTREAM, this);
        finish(settings.calls.closedError(what));
    }

    // ---- terminal signals ----

    private void finish(Object signal) {
        if (!TERMINAL.compareAndSet(this, null, signal)) {
            if (signal instanceof Throwable t) {
                Operators.onErrorDropped(t, actual.currentContext());
            }
            return;
        }
        stopTimer();
        settings.calls.remove(this);
        if (WIP.getAndIncrement(this) == 0) {
            deliverTerminal();
        }
    }

    private void deliverTerminal() {
        Object signal = terminal;
        if (signal instanceof Throwable t) {
            actual.onError(t);
        } else {
            actual.onComplete();
        }
    }

    // ---- the timer ----

    /** Returns when the call expires, Long.MAX_VALUE while no deadline runs. */
    private long deadline() {
        if (!headersArrived) {
            return plus(startedAt, settings.responseNanos);
        }
        boolean waiting = requested > delivered;
        return waiting ? plus(lastActivity, settings.idleNanos) : Long.MAX_VALUE;
    }

    /**
     * Checks the deadline (called by {@link Deadlines}): ends the call when it has passed and
     * returns when to check next; Long.MIN_VALUE once the call has ended.
     */
    @Override
    long check(long now) {
        if (terminal != null || upstream == Operators.cancelledSubscription()) {
            return Long.MIN_VALUE;
        }
        long d = deadline();
        long remaining = d == Long.MAX_VALUE ? Long.MAX_VALUE : d - now;
        if (remaining <= 0) {
            Operators.terminate(UPSTREAM, this);
            finish(ExceptionFactory.timeout(headersArrived
                    ? "No data event for " + format(settings.idleNanos) + " (streamIdleTimeout) from " + what
                    : "No response headers within " + format(settings.responseNanos) + " (responseTimeout) from " + what, null));
            return Long.MIN_VALUE;
        }
        return now + Math.min(remaining, settings.checkNanos);
    }

    /** Leaves the deadlines once the call has ended or was cancelled. */
    private void stopTimer() {
        if (settings.timed) {
            deadlines.reconsider(this);
        }
    }

    private long now() {
        return deadlines.now();
    }

    private static long plus(long now, long nanos) {
        return nanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + nanos;
    }

    private static String format(long nanos) {
        return Duration.ofNanos(nanos).toString().substring(2).toLowerCase();
    }
}
