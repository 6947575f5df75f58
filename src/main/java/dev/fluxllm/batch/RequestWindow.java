package dev.fluxllm.batch;

/**
 * Counts request starts in a sliding 60 s window, exactly: it remembers the last {@code limit}
 * start times, and a new start is allowed once the oldest of them is 60 s old, so no half-open
 * window {@code [t, t + 60 s)} ever holds more than {@code limit} starts. The ring grows with the
 * starts actually seen, so a huge limit (a million rpm) costs nothing up front. Not thread-safe.
 */
final class RequestWindow {

    static final long WINDOW_MILLIS = 60_000;
    private static final int INITIAL_CAPACITY = 256;

    private final int limit;
    private long[] starts;
    private int count;
    private int next;

    RequestWindow(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        this.limit = limit;
        this.starts = new long[Math.min(limit, INITIAL_CAPACITY)];
    }

    /** Returns the earliest time a start is allowed, {@code now} or later. */
    long allowedAt(long now) {
        if (count < limit) {
            return now;
        }
        return Math.max(now, starts[next] + WINDOW_MILLIS);
    }

    /** Records a start at {@code now}. */
    void record(long now) {
        if (count == starts.length && count < limit) {
            grow();
        }
        starts[next] = now;
        next = (next + 1) % starts.length;
        if (count < limit) {
            count++;
        }
    }

    /** Doubles the ring (up to the limit), oldest start first. */
    private void grow() {
        long[] bigger = new long[(int) Math.min(limit, 2L * starts.length)];
        int tail = starts.length - next;
        System.arraycopy(starts, next, bigger, 0, tail);
        System.arraycopy(starts, 0, bigger, tail, next);
        starts = bigger;
        next = count;
    }
}
