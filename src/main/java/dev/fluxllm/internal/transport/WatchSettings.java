package dev.fluxllm.internal.transport;

import java.time.Duration;

/**
 * What all of a client's call watches share, made once: its response and idle timeouts in
 * nanoseconds and its open calls. Each open stream would otherwise keep them all.
 */
final class WatchSettings {

    /** Until the response headers arrive; Long.MAX_VALUE for none. */
    final long responseNanos;
    /** Between data events; Long.MAX_VALUE for none. */
    final long idleNanos;
    /** Longest sleep between checks: a deadline that moves earlier (at the headers) is seen in time. */
    final long checkNanos;
    /** Whether any timeout applies. */
    final boolean timed;
    /** Ended when the client closes. */
    final OpenCalls calls;

    WatchSettings(Duration responseTimeout, Duration idleTimeout, OpenCalls calls) {
        this.calls = calls;
        this.responseNanos = responseTimeout == null ? Long.MAX_VALUE : responseTimeout.toNanos();
        this.idleNanos = idleTimeout == null ? Long.MAX_VALUE : idleTimeout.toNanos();
        this.timed = responseNanos != Long.MAX_VALUE || idleNanos != Long.MAX_VALUE;
        this.checkNanos = Math.min(responseNanos, idleNanos);
    }
}
