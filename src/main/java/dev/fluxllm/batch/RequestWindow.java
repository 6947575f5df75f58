package dev.fluxllm.batch;

/**
 * Counts request starts in a sliding 60 s window, exactly: it remembers the last {@code limit}
 * start times, and a new start is allowed once the oldest of them is 60 s old, so no half-open
 * window {@code [t, t + 60 s)} ever holds more than {@code limit} starts. Not thread-safe.
 */
final class RequestWindow {

    static final long WINDOW_MILLIS = 60_000;

    private final long[] starts;
    private int count;
    private int next;

    RequestWindow(int limit) {
        this.starts = new long[limit];
    }

    /** Returns the earliest time a start is allowed, {@code now} or later. */
    long allowedAt(long now) {
        if (count < starts.length) {
            return now;
        }
        return Math.max(now, starts[next] + WINDOW_MILLIS);
    }

    /** Records a start at {@code now}. */
    void record(long now) {
        starts[next] = now;
        next = (next + 1) % starts.length;
        if (count < starts.length) {
            count++;
        }
    }
}
