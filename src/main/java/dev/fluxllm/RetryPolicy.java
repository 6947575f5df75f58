package dev.fluxllm;

import java.time.Duration;
import java.util.Objects;

/**
 * Says how often and how late a failed call is sent again: exponential backoff with full jitter,
 * honouring the server's {@code Retry-After} / {@code retry-after-ms} up to a cap.
 *
 * <p>Only retryable failures are retried: 408, 409, 429, 5xx, connection failures and timeouts;
 * never 400, 401, 403, 404 or 422. A stream is retried only until its first chunk has reached the
 * subscriber, so no token is ever delivered twice.
 */
public final class RetryPolicy {

    /** Default number of retries after the first attempt: {@value}. */
    public static final int DEFAULT_MAX_RETRIES = 2;
    /** Default delay before the first retry: 500 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    /** Default longest computed delay: 8 s. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(8);
    /** Default longest delay a server's {@code Retry-After} may impose: 60 s. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** The longest delay a timer can hold: longer settings are clamped to it. */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    private static final RetryPolicy DEFAULT = builder().build();
    private static final RetryPolicy NONE = builder().maxRetries(0).build();

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final boolean jitter;

    private RetryPolicy(Builder b) {
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxRetryAfter = b.maxRetryAfter;
        this.jitter = b.jitter;
    }

    /** Returns the default policy: 2 retries, 500 ms initial backoff, 8 s max, full jitter. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** Returns a policy that never retries. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** Starts a policy from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns how many times a failed call is sent again. */
    public int maxRetries() {
        return maxRetries;
    }

    /** Returns the delay before the first retry, before jitter. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Returns the longest computed delay. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Returns the longest delay a server's {@code Retry-After} may impose. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** Returns whether delays are drawn uniformly from zero to the computed delay (full jitter). */
    public boolean jitter() {
        return jitter;
    }

    /**
     * Computes the delay before retry number {@code retry} (1 for the first retry): the
     * exponential ceiling {@code min(maxBackoff, initialBackoff * 2^(retry-1))}, scaled by
     * {@code random} in [0, 1) when jitter is on. A server's {@code retryAfter}, when given, is
     * used instead, capped at {@link #maxRetryAfter()}.
     */
    public Duration delay(int retry, double random, Duration retryAfter) {
        if (retryAfter != null && !retryAfter.isNegative()) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        }
        long initial = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        int shift = Math.min(Math.max(retry - 1, 0), 62);
        long ceiling = initial > (max >> shift) ? max : Math.min(max, initial << shift);
        return Duration.ofNanos(jitter ? (long) (ceiling * random) : ceiling);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + ", maxRetryAfter=" + maxRetryAfter + ", jitter=" + jitter + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && maxRetries == p.maxRetries && jitter == p.jitter
                && initialBackoff.equals(p.initialBackoff) && maxBackoff.equals(p.maxBackoff)
                && maxRetryAfter.equals(p.maxRetryAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRetries, initialBackoff, maxBackoff, maxRetryAfter, jitter);
    }

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private boolean jitter = true;

        private Builder() {
        }

        /** Sets how many times a failed call is sent again, 0 or more (default {@value #DEFAULT_MAX_RETRIES}). */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be 0 or more, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Sets the delay before the first retry (default 500 ms). */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = nonNegative("initialBackoff", initialBackoff);
            return this;
        }

        /** Sets the longest computed delay (default 8 s). */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = nonNegative("maxBackoff", maxBackoff);
            return this;
        }

        /** Sets the longest delay a server's {@code Retry-After} may impose (default 60 s). */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = nonNegative("maxRetryAfter", maxRetryAfter);
            return this;
        }

        /** Turns full jitter on (default) or off. */
        public Builder jitter(boolean jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Builds the policy; {@code maxBackoff} must not be below {@code initialBackoff}. */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff (" + maxBackoff
                        + ") must not be below initialBackoff (" + initialBackoff + ")");
            }
            return new RetryPolicy(this);
        }

        /** Checks the value; one longer than Reactor's timers can hold (about 292 years) means "unbounded". */
        private static Duration nonNegative(String field, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(field + " must be zero or positive, got " + d);
            }
            return d.compareTo(LONGEST) > 0 ? LONGEST : d;
        }
    }
}
