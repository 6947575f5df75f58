package dev.fluxllm.internal.transport;

import dev.fluxllm.internal.error.ExceptionFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Enforces a call's two timeouts with one timer: the response timeout until the headers arrive,
 * then the idle timeout between data events. Moving a deadline is a volatile write; the timer is
 * re-armed only when it fires before the deadline, so a fast stream costs no timer per event.
 */
final class CallWatch {

    private final Scheduler scheduler;
    private final long responseNanos;
    private final long idleNanos;
    private final String what;
    /** Longest sleep between checks: a deadline that moves earlier (at the headers) is seen in time. */
    private final long checkNanos;
    private volatile long deadline;
    private volatile boolean headersArrived;
    private volatile boolean expired;

    CallWatch(Scheduler scheduler, Duration responseTimeout, Duration idleTimeout, String what) {
        this.scheduler = scheduler;
        this.responseNanos = responseTimeout == null ? Long.MAX_VALUE : responseTimeout.toNanos();
        this.idleNanos = idleTimeout == null ? Long.MAX_VALUE : idleTimeout.toNanos();
        this.what = what;
        this.checkNanos = Math.min(responseNanos, idleNanos);
        this.deadline = plus(now(), responseNanos);
    }

    void headersArrived() {
        headersArrived = true;
        touch();
    }

    /** Records a data event: the idle deadline starts again. */
    void touch() {
        deadline = plus(now(), idleNanos);
    }

    /** Guards a call: it ends with {@code ApiTimeoutException} when a deadline passes, and is cancelled. */
    <T> Flux<T> guard(Flux<T> call) {
        if (responseNanos == Long.MAX_VALUE && idleNanos == Long.MAX_VALUE) {
            return call;
        }
        return call.takeUntilOther(expiry()).concatWith(Mono.defer(this::errorIfExpired));
    }

    private Mono<Long> expiry() {
        return Mono.defer(() -> {
            long d = deadline;
            long remaining = d == Long.MAX_VALUE ? Long.MAX_VALUE : d - now();
            if (remaining <= 0) {
                expired = true;
                return Mono.just(0L);
            }
            return Mono.delay(Duration.ofNanos(Math.min(remaining, checkNanos)), scheduler).then(Mono.<Long>empty());
        }).repeatWhenEmpty(Integer.MAX_VALUE, repeats -> repeats);
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
