package dev.fluxllm.batch;

import java.time.Duration;
import java.util.Locale;

/**
 * Holds a snapshot of a running batch, as told to {@link BatchOptions.Builder#onProgress}.
 *
 * @param taken             inputs taken from upstream so far
 * @param succeeded         results with a response
 * @param failed            results with an error
 * @param inFlight          calls running right now
 * @param waiting           inputs taken but neither running nor done: waiting for a start or a resend
 * @param concurrencyLimit  the current (adaptive) limit on calls in flight
 * @param rateLimited       429 responses seen so far, the client's own retries included
 * @param tokens            tokens used so far: reported usage, or the estimate when none was reported
 * @param elapsed           time since the batch started
 * @param finished          whether this is the last snapshot
 */
public record BatchProgress(long taken, long succeeded, long failed, int inFlight, int waiting,
                            int concurrencyLimit, long rateLimited, long tokens, Duration elapsed,
                            boolean finished) {

    /** Returns how many results are out: succeeded plus failed. */
    public long done() {
        return succeeded + failed;
    }

    /** Returns results per second since the start, 0 before any time passed. */
    public double resultsPerSecond() {
        long millis = elapsed.toMillis();
        return millis <= 0 ? 0 : done() * 1000.0 / millis;
    }

    /** Returns a one-line summary, e.g. for a progress line. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d done (%d failed), %d in flight / limit %d, %d waiting, %.1f/s, %d x 429, %d tokens, %ds",
                done(), failed, inFlight, concurrencyLimit, waiting, resultsPerSecond(), rateLimited, tokens,
                elapsed.toSeconds());
    }
}
