package dev.fluxllm.internal.transport;

import java.time.Duration;

/**
 * A client's response and idle timeouts in nanoseconds, made once and shared by all its calls'
 * watches: each open stream would otherwise keep the same three numbers.
 */
final class CallTimeouts {

    /** Until the response headers arrive; Long.MAX_VALUE for none. */
    final long responseNanos;
    /** Between data events; Long.MAX_VALUE for none. */
    final long idleNanos;
    /** Longest sleep between checks: a deadline that moves earlier (at the headers) is seen in time. */
    final long checkNanos;
    /** Whether any timeout applies. */
    final boolean timed;

    CallTimeouts(Duration responseTimeout, Duration idleTimeout) {
        this.responseNanos = responseTimeout == null ? Long.MAX_VALUE : responseTimeout.toNanos();
        this.idleNanos = idleTimeout == null ? Long.MAX_VALUE : idleTimeout.toNanos();
        this.timed = responseNanos != Long.MAX_VALUE || idleNanos != Long.MAX_VALUE;
        this.checkNanos = Math.min(responseNanos, idleNanos);
    }
}
