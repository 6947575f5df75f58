package dev.fluxllm.kafka;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Paces the calls of one worker to its share of a job-wide budget: requests and tokens per minute
 * times the share of the input topic's partitions it owns. Calls are spaced evenly (no bursts),
 * so every worker follows its share over any window longer than a few calls. The share changes on
 * every rebalance; calls already scheduled keep their slot.
 */
final class RateBudget {

    private static final double NANOS_PER_MINUTE = 60e9;

    private final int jobRequestsPerMinute;
    private final long jobTokensPerMinute;
    private double share;
    private long nextRequestAt = Long.MIN_VALUE;
    private long nextTokenAt = Long.MIN_VALUE;

    RateBudget(int jobRequestsPerMinute, long jobTokensPerMinute) {
        this.jobRequestsPerMinute = jobRequestsPerMinute;
        this.jobTokensPerMinute = jobTokensPerMinute;
    }

    boolean isLimited() {
        return jobRequestsPerMinute > 0 || jobTokensPerMinute > 0;
    }

    synchronized void share(double share) {
        this.share = share;
    }

    synchronized double share() {
        return share;
    }

    synchronized double requestsPerMinute() {
        return jobRequestsPerMinute * share;
    }

    synchronized double tokensPerMinute() {
        return jobTokensPerMinute * share;
    }

    /** Returns a Mono that completes when a call of {@code tokens} may start. */
    Mono<Void> acquire(long tokens) {
        if (!isLimited()) {
            return Mono.empty();
        }
        long wait = reserve(System.nanoTime(), tokens);
        return wait <= 0 ? Mono.empty() : Mono.delay(Duration.ofNanos(wait)).then();
    }

    /** Reserves the earliest slot at or after {@code now}; returns the wait until it, in nanoseconds. */
    synchronized long reserve(long now, long tokens) {
        // A worker that owns nothing gets no calls; until a share arrives, pace as if it had 1 %.
        double s = share > 0 ? share : 0.01;
        long start = now;
        if (nextRequestAt != Long.MIN_VALUE && nextRequestAt - start > 0) {
            start = nextRequestAt;
        }
        if (nextTokenAt != Long.MIN_VALUE && nextTokenAt - start > 0) {
            start = nextTokenAt;
        }
        if (jobRequestsPerMinute > 0) {
            nextRequestAt = start + (long) (NANOS_PER_MINUTE / (jobRequestsPerMinute * s));
        }
        if (jobTokensPerMinute > 0) {
            nextTokenAt = start + (long) (NANOS_PER_MINUTE * Math.max(tokens, 1) / (jobTokensPerMinute * s));
        }
        return start - now;
    }
}
