package dev.fluxllm.kafka;

import java.util.Locale;

/**
 * Holds a snapshot of one {@link KafkaBatchWorker}.
 *
 * @param done               inputs whose result is committed (at least once: acknowledged) and whose
 *                           offset is committed or about to be, successes and failures alike
 * @param failed             of those, results with an error (failed calls and invalid records)
 * @param inFlight           inputs taken from the topic and not yet done (running, waiting, or
 *                           waiting for an earlier input of their partition)
 * @param lag                records of the assigned partitions not yet fetched, as the consumer last knew
 * @param partitions         input partitions assigned to this worker now
 * @param requestsPerMinute  this worker's share of the job's request budget, 0 when there is none
 * @param paused             whether fetching is paused because the in-flight window is full
 */
public record WorkerProgress(long done, long failed, int inFlight, long lag, int partitions, double requestsPerMinute,
                             boolean paused) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d done (%d failed), %d in flight, lag %d, %d partitions%s%s", done, failed,
                inFlight, lag, partitions, requestsPerMinute > 0 ? String.format(Locale.ROOT, ", %.0f rpm", requestsPerMinute) : "",
                paused ? ", paused" : "");
    }
}
