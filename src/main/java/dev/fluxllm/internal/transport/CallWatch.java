package dev.fluxllm.internal.transport;

import dev.fluxllm.internal.error.ExceptionFactory;
import java.time.Duration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * Enforces a call's two timeouts with one timer: the response timeout until the headers arrive,
 * then the idle timeout between data events. Moving a deadline is a volatile write; the timer is
 * re-armed only when it fires before the deadline, so a fast stream costs no timer per event.
 *
 * <p>The idle timeout runs only while the subscriber waits for an item it asked for: a slow
 * subscriber that requests nothing for a while (and so reads nothing) is not a silent server.
 */
final class CallWatch {

    private static final VarHandle DELIVERED;

    static {
        try {
            DELIVERED = MethodHandles.lookup().findVarHandle(CallWatch.class, "delivered", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Scheduler scheduler;
    private final long responseNanos;
    private final long idleNanos;
    private final String what;
    /** Longest sleep between checks: a deadline that moves earlier (at the headers) is seen in time. */
    private final long checkNanos;
    private final long startedAt;
    private volatile boolean headersArrived;
    private volatile boolean expired;
    /** When data last arrived, or the subscriber last started waiting. */
    private volatile long lastActivity;
    /** Items the subscriber asked for, in total (capped at Long.MAX_VALUE). */
    private final AtomicLong requested = new AtomicLong();
    /** Items delivered; written only by the (serialized) onNext, read by the timer. */
    @SuppressWarnings("unused")
    private long delivered;

    CallWatch(Scheduler scheduler, Duration responseTimeout, Duration idleTimeout, String what) {
        this.scheduler = scheduler;
        this.responseNanos = responseTimeout == null ? Long.MAX_VALUE : responseTimeout.toNanos();
        this.idleNanos = idleTimeout == null ? Long.MAX_VALUE : idleTimeout.toNanos();
        this.what = what;
        this.checkNanos = Math.min(responseNanos, idleNanos);
        this.startedAt = now();
    }

    void headersArrived() {
        lastActivity = now();
        headersArrived = true;
    }

    /** Records data from the server: the idle deadline starts again. Called once per network read. */
    void touch() {
        lastActivity = now();
    }

    private void requested(long n) {
        long before = requested.getAndAccumulate(n, Operators::addCap);
        if (before <= (long) DELIVERED.getAcquire(this)) {
            // The subscriber starts waiting now: silence before this moment was its own choice.
            lastActivity = now();
        }
    }

    private void delivered() {
        DELIVERED.setRelease(this, (long) DELIVERED.getOpaque(this) + 1);
    }

    /** Returns when the call expires, Long.MAX_VALUE while no deadline runs. */
    private long deadline() {
        if (!headersArrived) {
            return plus(startedAt, responseNanos);
        }
        boolean waiting = requested.get() > (long) DELIVERED.getAcquire(this);
        return waiting ? plus(lastActivity, idleNanos) : Long.MAX_VALUE;
    }

    /** Guards a call: it ends with {@code ApiTimeoutException} when a deadline passes, and is cancelled. */
    <T> Flux<T> guard(Flux<T> call) {
        if (responseNanos == Long.MAX_VALUE && idleNanos == Long.MAX_VALUE) {
            return call;
        }
        return call.doOnNext(item -> delivered())
                .doOnRequest(this::requested)
                .takeUntilOther(expiry())
                .concatWith(Mono.defer(this::errorIfExpired));
    }

    /** Completes (with 0) when a deadline passes; one scheduled task at a time, re-armed when it fires early. */
    private Mono<Long> expiry() {
        return Mono.create(sink -> {
            Timer timer = new Timer(sink);
            sink.onDispose(timer::cancel);
            timer.arm();
        });
    }

    private final class Timer implements Runnable {
        private final MonoSink<Long> sink;
        private volatile Disposable task;
        private volatile boolean cancelled;

        Timer(MonoSink<Long> sink) {
            this.sink = sink;
        }

        void arm() {
            long d = deadline();
            long remaining = d == Long.MAX_VALUE ? Long.MAX_VALUE : d - now();
            if (remaining <= 0) {
                expired = true;
                sink.success(0L);
                return;
            }
            Disposable next = scheduler.schedule(this, Math.min(remaining, checkNanos), TimeUnit.NANOSECONDS);
            task = next;
            if (cancelled) {
                // cancel() ran while this was scheduling: it may have missed the new task.
                next.dispose();
            }
        }

        @Override
        public void run() {
            if (!cancelled) {
                arm();
            }
        }

        void cancel() {
            cancelled = true;
            Disposable t = task;
            if (t != null) {
                t.dispose();
            }
        }
    }

    private <T> Mono<T> errorIfExpired() {
        if (!expired) {
            return Mono.empty();
        }
        String message = headersArrived
                ? "No data event for " + format(idleNanos) + " (streamIdleTimeout) from " + what
                : "No response headers within " + format(responseNanos) + " (responseTimeout) from " + what;
        return Mono.error(ExceptionFactory.timeout(message, null));
    }

    private long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    private static long plus(long now, long nanos) {
        return nanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + nanos;
    }

    private static String format(long nanos) {
        return Duration.ofNanos(nanos).toString().substring(2).toLowerCase();
    }
}
