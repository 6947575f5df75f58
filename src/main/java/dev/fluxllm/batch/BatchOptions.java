package dev.fluxllm.batch;

import dev.fluxllm.AuthenticationException;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.PermissionDeniedException;
import dev.fluxllm.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Configures a batch run by {@link Batch#run} or {@link OpenAiCompatClient#generateAll}: how many
 * calls may be in flight, how many requests and tokens may start per minute, whether results keep
 * the input order, how rate limits are retried, which errors end the batch, and who hears about
 * progress. Immutable; built with {@link #builder()}, changed with {@link #toBuilder()}.
 *
 * <pre>{@code
 * BatchOptions options = BatchOptions.builder()
 *     .maxConcurrency(64)
 *     .requestsPerMinute(3_000)
 *     .tokensPerMinute(1_000_000)
 *     .onProgress(p -> System.err.print("\r" + p))
 *     .build();
 * }</pre>
 */
public final class BatchOptions {

    /** Default most calls in flight at once: 16. */
    public static final int DEFAULT_MAX_CONCURRENCY = 16;
    /** Default fewest calls in flight the adaptive limit shrinks to: 1. */
    public static final int DEFAULT_MIN_CONCURRENCY = 1;
    /** Default factor the concurrency limit is multiplied by on a 429: 0.5. */
    public static final double DEFAULT_DECREASE_FACTOR = 0.5;
    /** Default number of times one input is sent again after a 429 that the client did not absorb: 6. */
    public static final int DEFAULT_MAX_RATE_LIMIT_RETRIES = 6;
    /** Default wait before sending an input again after a 429 without {@code Retry-After}: 1 s, doubling. */
    public static final Duration DEFAULT_RATE_LIMIT_BACKOFF = Duration.ofSeconds(1);
    /** Default longest wait before sending an input again after a 429: 60 s. */
    public static final Duration DEFAULT_MAX_RATE_LIMIT_BACKOFF = Duration.ofSeconds(60);
    /** Default completion tokens assumed for a request without {@code max_tokens}: 256. */
    public static final int DEFAULT_COMPLETION_TOKEN_ESTIMATE = 256;

    /** Default share of recent calls that may get a 429 before the adaptive limit shrinks: 5 %. */
    public static final double DEFAULT_RATE_LIMIT_TOLERANCE = 0.05;

    /** Ends the batch on errors that make every later request fail too: 401 and 403. */
    public static final Predicate<Throwable> AUTH_ERRORS =
            e -> e instanceof AuthenticationException || e instanceof PermissionDeniedException;

    private final int maxConcurrency;
    private final int minConcurrency;
    private final boolean adaptive;
    private final double decreaseFactor;
    private final int requestsPerMinute;
    private final int requestBurst;
    private final double rateLimitTolerance;
    private final long tokensPerMinute;
    private final boolean ordered;
    private final int maxBuffered;
    private final int maxRateLimitRetries;
    private final Duration rateLimitBackoff;
    private final Duration maxRateLimitBackoff;
    private final Predicate<Throwable> abortOn;
    private final ToLongFunction<ChatRequest> tokenEstimator;
    private final Consumer<BatchProgress> onProgress;
    private final int completionTokenEstimate;
    private final int maxBufferedSetting;
    private final boolean customEstimator;

    private BatchOptions(Builder b) {
        this.maxConcurrency = b.maxConcurrency;
        this.minConcurrency = b.minConcurrency;
        this.adaptive = b.adaptive;
        this.decreaseFactor = b.decreaseFactor;
        this.requestsPerMinute = b.requestsPerMinute;
        this.requestBurst = b.requestBurst;
        this.rateLimitTolerance = b.rateLimitTolerance;
        this.tokensPerMinute = b.tokensPerMinute;
        this.ordered = b.ordered;
        this.maxBuffered = b.maxBuffered > 0 ? b.maxBuffered : Math.max(4 * b.maxConcurrency, 64);
        this.maxRateLimitRetries = b.maxRateLimitRetries;
        this.rateLimitBackoff = b.rateLimitBackoff;
        this.maxRateLimitBackoff = b.maxRateLimitBackoff;
        this.abortOn = b.abortOn;
        this.tokenEstimator = b.tokenEstimator != null ? b.tokenEstimator
                : r -> TokenEstimate.of(r, b.completionTokenEstimate);
        this.onProgress = b.onProgress;
        this.completionTokenEstimate = b.completionTokenEstimate;
        this.maxBufferedSetting = b.maxBuffered;
        this.customEstimator = b.tokenEstimator != null;
    }

    /** Returns the default options: 16 in flight, no rate limits, ordered, adaptive. */
    public static BatchOptions defaults() {
        return builder().build();
    }

    /** Starts options from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Returns the most calls in flight at once. */
    public int maxConcurrency() { return maxConcurrency; }

    /** Returns the fewest calls in flight the adaptive limit shrinks to. */
    public int minConcurrency() { return minConcurrency; }

    /** Returns whether the concurrency limit shrinks on 429 and grows back after successes. */
    public boolean adaptive() { return adaptive; }

    /** Returns the factor the limit is multiplied by on a 429. */
    public double decreaseFactor() { return decreaseFactor; }

    /** Returns the most requests started in any 60 s window, 0 for no limit. */
    public int requestsPerMinute() { return requestsPerMinute; }

    /**
     * Returns the most requests started at once from a rested budget: the setting, or one
     * second's share of {@link #requestsPerMinute()} (at least 1) when none was set; 0 without a
     * request limit.
     */
    public int requestBurst() {
        if (requestsPerMinute == 0) {
            return 0;
        }
        return requestBurst > 0 ? Math.min(requestBurst, requestsPerMinute) : Math.max(1, (requestsPerMinute + 59) / 60);
    }

    /** Returns the share of recent calls that may get a 429 before the adaptive limit shrinks. */
    public double rateLimitTolerance() { return rateLimitTolerance; }

    /** Returns the most estimated tokens started in any 60 s window, 0 for no limit. */
    public long tokensPerMinute() { return tokensPerMinute; }

    /** Returns whether results come out in input order. */
    public boolean ordered() { return ordered; }

    /** Returns the most inputs taken but whose result was not yet emitted (in flight, waiting for order, or for demand). */
    public int maxBuffered() { return maxBuffered; }

    /** Returns how many times one input is sent again after a 429. */
    public int maxRateLimitRetries() { return maxRateLimitRetries; }

    /** Returns the first wait before resending after a 429 without {@code Retry-After}. */
    public Duration rateLimitBackoff() { return rateLimitBackoff; }

    /** Returns the longest wait before resending after a 429. */
    public Duration maxRateLimitBackoff() { return maxRateLimitBackoff; }

    /** Returns the test for errors that end the whole batch. */
    public Predicate<Throwable> abortOn() { return abortOn; }

    /** Returns the estimate of tokens a request will use, before usage is known. */
    public ToLongFunction<ChatRequest> tokenEstimator() { return tokenEstimator; }

    /** Returns the progress listener, null when none. */
    public Consumer<BatchProgress> onProgress() { return onProgress; }

    @Override
    public String toString() {
        return "BatchOptions[maxConcurrency=" + maxConcurrency + ", minConcurrency=" + minConcurrency
                + ", adaptive=" + adaptive + ", rateLimitTolerance=" + rateLimitTolerance
                + ", requestsPerMinute=" + requestsPerMinute + ", requestBurst=" + requestBurst()
                + ", tokensPerMinute=" + tokensPerMinute + ", ordered=" + ordered + ", maxBuffered=" + maxBuffered
                + ", maxRateLimitRetries=" + maxRateLimitRetries + "]";
    }

    /** Builds {@link BatchOptions}; every setter validates its value, {@link #build()} the combination. */
    public static final class Builder {
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private int minConcurrency = DEFAULT_MIN_CONCURRENCY;
        private boolean adaptive = true;
        private double decreaseFactor = DEFAULT_DECREASE_FACTOR;
        private int requestsPerMinute;
        private int requestBurst;
        private double rateLimitTolerance = DEFAULT_RATE_LIMIT_TOLERANCE;
        private long tokensPerMinute;
        private boolean ordered = true;
        private int maxBuffered;
        private int maxRateLimitRetries = DEFAULT_MAX_RATE_LIMIT_RETRIES;
        private Duration rateLimitBackoff = DEFAULT_RATE_LIMIT_BACKOFF;
        private Duration maxRateLimitBackoff = DEFAULT_MAX_RATE_LIMIT_BACKOFF;
        private Predicate<Throwable> abortOn = AUTH_ERRORS;
        private ToLongFunction<ChatRequest> tokenEstimator;
        private int completionTokenEstimate = DEFAULT_COMPLETION_TOKEN_ESTIMATE;
        private Consumer<BatchProgress> onProgress;

        private Builder() {
        }

        private Builder(BatchOptions o) {
            maxConcurrency = o.maxConcurrency;
            minConcurrency = o.minConcurrency;
            adaptive = o.adaptive;
            decreaseFactor = o.decreaseFactor;
            requestsPerMinute = o.requestsPerMinute;
            requestBurst = o.requestBurst;
            rateLimitTolerance = o.rateLimitTolerance;
            tokensPerMinute = o.tokensPerMinute;
            ordered = o.ordered;
            maxBuffered = o.maxBufferedSetting;
            maxRateLimitRetries = o.maxRateLimitRetries;
            rateLimitBackoff = o.rateLimitBackoff;
            maxRateLimitBackoff = o.maxRateLimitBackoff;
            abortOn = o.abortOn;
            completionTokenEstimate = o.completionTokenEstimate;
            tokenEstimator = o.customEstimator ? o.tokenEstimator : null;
            onProgress = o.onProgress;
        }

        /** Sets the most calls in flight at once, at least 1 (default {@value BatchOptions#DEFAULT_MAX_CONCURRENCY}). */
        public Builder maxConcurrency(int max) {
            this.maxConcurrency = atLeast("maxConcurrency", max, 1);
            return this;
        }

        /** Sets the fewest calls in flight that a 429 can shrink the limit to, at least 1 (default 1). */
        public Builder minConcurrency(int min) {
            this.minConcurrency = atLeast("minConcurrency", min, 1);
            return this;
        }

        /**
         * Sets whether the concurrency limit adapts (default on): a 429 multiplies it by the
         * {@linkplain #decreaseFactor decrease factor} (once per wave of calls that were already in
         * flight) when more than the {@linkplain #rateLimitTolerance tolerated share} of recent
         * calls got one, and every success adds {@code 1/limit}, so a full round of successes adds
         * one, back up to {@link #maxConcurrency}.
         */
        public Builder adaptive(boolean adaptive) {
            this.adaptive = adaptive;
            return this;
        }

        /** Sets the factor applied to the limit on a 429, above 0 and below 1 (default 0.5). */
        public Builder decreaseFactor(double factor) {
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("decreaseFactor must be above 0 and below 1, got " + factor);
            }
            this.decreaseFactor = factor;
            return this;
        }

        /**
         * Sets the most requests started in any 60 s window, counting resends; 0 means no limit
         * (default 0). Starts are also smoothed: a bucket refilled at {@code rpm / 60} per second
         * holds at most {@link #requestBurst} of them, so the minute's budget is spread over the
         * minute instead of going out in its first second. Resends made inside the client by its
         * {@link RetryPolicy} are counted when they are scheduled; build the client with
         * {@link RetryPolicy#none()} for an exact bound.
         */
        public Builder requestsPerMinute(int rpm) {
            this.requestsPerMinute = atLeast("requestsPerMinute", rpm, 0);
            return this;
        }

        /**
         * Sets the most requests started at once from a rested budget, with
         * {@link #requestsPerMinute}: 1 spaces starts evenly, {@code rpm} lets the whole minute
         * go at once (the sliding 60 s window still holds). Default: one second's share,
         * {@code ceil(rpm / 60)}.
         */
        public Builder requestBurst(int burst) {
            this.requestBurst = atLeast("requestBurst", burst, 1);
            return this;
        }

        /**
         * Sets the share of recent calls (an average over about the last 64 outcomes) that may
         * get a 429 before the adaptive limit shrinks, from 0 (every 429 shrinks it) to below 1
         * (default 0.05). Sporadic 429s, such as a shared gateway's noise, then cost a resend each
         * but not a quarter of the concurrency; a real overload, which answers most calls with
         * 429, still shrinks the limit within a few calls.
         */
        public Builder rateLimitTolerance(double tolerance) {
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new IllegalArgumentException("rateLimitTolerance must be at least 0 and below 1, got " + tolerance);
            }
            this.rateLimitTolerance = tolerance;
            return this;
        }

        /**
         * Sets the most tokens started in any 60 s window, 0 for no limit (default 0). A request
         * counts its {@linkplain #tokenEstimator estimate} when it starts; once its response
         * reports usage, the estimate is replaced by the reported total.
         */
        public Builder tokensPerMinute(long tpm) {
            if (tpm < 0) {
                throw new IllegalArgumentException("tokensPerMinute must be at least 0, got " + tpm);
            }
            this.tokensPerMinute = tpm;
            return this;
        }

        /**
         * Sets whether results come out in input order (default true). Ordered results wait for
         * earlier ones; at most {@link #maxBuffered} inputs are held, after which no new input is
         * taken until the earliest finishes.
         */
        public Builder ordered(boolean ordered) {
            this.ordered = ordered;
            return this;
        }

        /**
         * Sets the most inputs taken from upstream whose result has not been emitted yet: in
         * flight, waiting for an earlier result, waiting to resend, or waiting for downstream
         * demand. At least {@code maxConcurrency}; 0 means {@code max(4 * maxConcurrency, 64)}
         * (the default).
         */
        public Builder maxBuffered(int max) {
            this.maxBuffered = atLeast("maxBuffered", max, 0);
            return this;
        }

        /** Sets how many times one input is resent after a 429, 0 to give up at once (default 6). */
        public Builder maxRateLimitRetries(int retries) {
            this.maxRateLimitRetries = atLeast("maxRateLimitRetries", retries, 0);
            return this;
        }

        /**
         * Sets the waits before resending after a 429 that named no {@code Retry-After}: the first
         * wait, doubled each time, capped (defaults 1 s and 60 s).
         */
        public Builder rateLimitBackoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "rateLimitBackoff first");
            Objects.requireNonNull(max, "rateLimitBackoff max");
            if (first.isNegative() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("rateLimitBackoff needs 0 <= first <= max, got " + first + ", " + max);
            }
            this.rateLimitBackoff = first;
            this.maxRateLimitBackoff = max;
            return this;
        }

        /**
         * Sets which errors end the whole batch, because every later request would fail too
         * (default {@link #AUTH_ERRORS}: 401 and 403). The batch then fails with a
         * {@link BatchAbortedException}. {@code e -> false} never ends it.
         */
        public Builder abortOn(Predicate<Throwable> abortOn) {
            this.abortOn = Objects.requireNonNull(abortOn, "abortOn");
            return this;
        }

        /**
         * Sets how many tokens a request is assumed to use before its usage is known (default:
         * characters of all messages / 4, plus {@code max_tokens} or {@code max_completion_tokens},
         * or {@link #completionTokenEstimate} when neither is set).
         */
        public Builder tokenEstimator(ToLongFunction<ChatRequest> estimator) {
            this.tokenEstimator = Objects.requireNonNull(estimator, "tokenEstimator");
            return this;
        }

        /** Sets the completion tokens the default estimator assumes without {@code max_tokens} (default 256). */
        public Builder completionTokenEstimate(int tokens) {
            this.completionTokenEstimate = atLeast("completionTokenEstimate", tokens, 0);
            this.tokenEstimator = null;
            return this;
        }

        /**
         * Sets a listener told the progress whenever a result is ready and when the batch ends.
         * Called on whichever thread finished a call, one call at a time: keep it quick and
         * non-blocking (default none).
         */
        public Builder onProgress(Consumer<BatchProgress> listener) {
            this.onProgress = listener;
            return this;
        }

        /** Builds the options; fails when {@code minConcurrency > maxConcurrency} or {@code maxBuffered < maxConcurrency}. */
        public BatchOptions build() {
            if (minConcurrency > maxConcurrency) {
                throw new IllegalArgumentException("minConcurrency (" + minConcurrency
                        + ") must not exceed maxConcurrency (" + maxConcurrency + ")");
            }
            if (maxBuffered != 0 && maxBuffered < maxConcurrency) {
                throw new IllegalArgumentException("maxBuffered (" + maxBuffered
                        + ") must be at least maxConcurrency (" + maxConcurrency + ")");
            }
            return new BatchOptions(this);
        }

        private static int atLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
