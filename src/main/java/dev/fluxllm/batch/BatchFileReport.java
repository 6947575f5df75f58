package dev.fluxllm.batch;

import java.time.Duration;

/**
 * Counts what one run of {@link BatchFiles#run} did.
 *
 * @param lines      input lines read (blank lines are not counted)
 * @param skipped    input lines whose result the output already held from an earlier run
 * @param succeeded  result lines written with a response
 * @param failed     result lines written for requests that failed after their retries
 * @param invalid    result lines written for input lines that could not be sent (bad JSON, no or
 *                   duplicate {@code custom_id}, unsupported url or method, bad body)
 * @param elapsed    time the run took
 */
public record BatchFileReport(long lines, long skipped, long succeeded, long failed, long invalid, Duration elapsed) {

    /** Returns how many result lines this run wrote. */
    public long written() {
        return succeeded + failed + invalid;
    }
}
