package dev.fluxllm.batch;

import java.util.ArrayDeque;

/**
 * Sums the tokens of the requests started in a sliding 60 s window. A start counts its estimate;
 * {@link #correct} replaces it with the reported usage while the start is still in the window.
 * A request larger than the whole budget may start once the window is empty, so it cannot stall
 * the batch forever. Not thread-safe.
 */
final class TokenWindow {

    /** One start, corrected in place. */
    static final class Entry {
        final long at;
        long tokens;
        boolean expired;

        Entry(long at, long tokens) {
            this.at = at;
            this.tokens = tokens;
        }
    }

    private final long limit;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long sum;

    TokenWindow(long limit) {
        this.limit = limit;
    }

    /** Returns the earliest time {@code tokens} more may start, {@code now} or later. */
    long allowedAt(long now, long tokens) {
        expire(now);
        long excess = sum + tokens - limit;
        if (excess <= 0 || entries.isEmpty()) {
            return now;
        }
        long freed = 0;
        for (Entry e : entries) {
            freed += e.tokens;
            if (freed >= excess) {
                return e.at + RequestWindow.WINDOW_MILLIS;
            }
        }
        // Only an empty window lets an oversized request start.
        return entries.peekLast().at + RequestWindow.WINDOW_MILLIS;
    }

    /** Records a start of {@code tokens} at {@code now}. */
    Entry record(long now, long tokens) {
        Entry e = new Entry(now, tokens);
        entries.addLast(e);
        sum += tokens;
        return e;
    }

    /** Replaces a start's tokens with what was really used. */
    void correct(Entry e, long tokens) {
        if (!e.expired) {
            sum += tokens - e.tokens;
        }
        e.tokens = tokens;
    }

    private void expire(long now) {
        Entry e;
        while ((e = entries.peekFirst()) != null && e.at + RequestWindow.WINDOW_MILLIS <= now) {
            entries.pollFirst();
            e.expired = true;
            sum -= e.tokens;
        }
    }
}
