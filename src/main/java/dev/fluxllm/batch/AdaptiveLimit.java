package dev.fluxllm.batch;

/**
 * Adapts the number of calls allowed in flight: additive increase, multiplicative decrease.
 * A 429 multiplies the limit by the decrease factor when the share of recent outcomes that were
 * 429s (an exponential average over about 64 outcomes) is above the tolerance, and only once per
 * wave: a 429 from a call that was started before the last decrease was already accounted for.
 * Each success adds {@code 1/limit}, so a full round of successes adds one. Without the tolerance,
 * sporadic 429s (2 % of calls) hold the limit near a quarter of its maximum for good. Not
 * thread-safe.
 */
final class AdaptiveLimit {

    private final int min;
    private final int max;
    private final double factor;
    private final boolean adaptive;
    private final double tolerance;
    private double limit;
    /** Exponential average of outcomes, 1 for a 429 and 0 for a success. */
    private double rateLimitedShare;
    private long decreasedAtStart = -1;

    private static final double WEIGHT = 1.0 / 64;

    AdaptiveLimit(int min, int max, double factor, boolean adaptive) {
        this(min, max, factor, adaptive, 0);
    }

    AdaptiveLimit(int min, int max, double factor, boolean adaptive, double tolerance) {
        this.tolerance = tolerance;
        this.min = min;
        this.max = max;
        this.factor = factor;
        this.adaptive = adaptive;
        this.limit = max;
    }

    /** Returns the current limit, between min and max. */
    int current() {
        return (int) Math.max(min, Math.min(max, Math.floor(limit)));
    }

    /**
     * Shrinks the limit after a 429.
     *
     * @param startSeq   the start number of the call that got it
     * @param latestSeq  the start number of the latest call
     */
    void rateLimited(long startSeq, long latestSeq) {
        rateLimitedShare += (1 - rateLimitedShare) * WEIGHT;
        if (!adaptive || startSeq <= decreasedAtStart || rateLimitedShare <= tolerance) {
            return;
        }
        limit = Math.max(min, Math.floor(current() * factor));
        decreasedAtStart = latestSeq;
    }

    /** Grows the limit after a success. */
    void succeeded() {
        rateLimitedShare -= rateLimitedShare * WEIGHT;
        if (adaptive && limit < max) {
            limit = Math.min(max, limit + 1.0 / Math.max(1, current()));
        }
    }
}
