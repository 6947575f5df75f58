package dev.fluxllm.batch;

/**
 * Smooths request starts: a token bucket refilled at {@code perMinute / 60 000} per millisecond
 * that holds at most {@code burst}, starting full. Not thread-safe.
 */
final class RequestBucket {

    private final double perMilli;
    private final int burst;
    private double tokens;
    private long at = -1;

    RequestBucket(int perMinute, int burst) {
        this.perMilli = perMinute / (double) RequestWindow.WINDOW_MILLIS;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Returns the earliest time a start is allowed, {@code now} or later. */
    long allowedAt(long now) {
        refill(now);
        return tokens >= 1 ? now : now + (long) Math.ceil((1 - tokens) / perMilli);
    }

    /** Takes one start at {@code now}; may go below zero when a start was forced (resends counted late). */
    void take(long now) {
        refill(now);
        tokens -= 1;
    }

    private void refill(long now) {
        if (at >= 0 && now > at) {
            tokens = Math.min(burst, tokens + (now - at) * perMilli);
        }
        at = Math.max(at, now);
    }
}
