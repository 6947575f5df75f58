package dev.fluxllm.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Checks the backoff arithmetic of {@link RetryPolicy} as plain numbers, without any scheduler. */
class RetryPolicyTest {

    static final RetryPolicy NO_JITTER = RetryPolicy.builder().initialBackoff(Duration.ofMillis(500))
            .maxBackoff(Duration.ofSeconds(8)).jitter(false).build();
    static final RetryPolicy JITTER = RetryPolicy.builder().initialBackoff(Duration.ofMillis(500))
            .maxBackoff(Duration.ofSeconds(8)).build();

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void exponentialCeilingDoublesFromInitialBackoff() {
        assertThat(NO_JITTER.delay(1, 0.5, null)).isEqualTo(ms(500));
        assertThat(NO_JITTER.delay(2, 0.5, null)).isEqualTo(ms(1000));
        assertThat(NO_JITTER.delay(3, 0.5, null)).isEqualTo(ms(2000));
        assertThat(NO_JITTER.delay(4, 0.5, null)).isEqualTo(ms(4000));
        assertThat(NO_JITTER.delay(5, 0.5, null)).isEqualTo(ms(8000));
    }

    @Test
    void ceilingStopsAtMaxBackoff() {
        assertThat(NO_JITTER.delay(6, 0.5, null)).isEqualTo(ms(8000));
        assertThat(NO_JITTER.delay(30, 0.5, null)).isEqualTo(ms(8000));
        assertThat(NO_JITTER.delay(64, 0.5, null)).isEqualTo(ms(8000));
        assertThat(NO_JITTER.delay(Integer.MAX_VALUE, 0.5, null)).isEqualTo(ms(8000));
    }

    @Test
    void maxBackoffNotAPowerOfTwoOfInitialIsReachedExactly() {
        RetryPolicy p = RetryPolicy.builder().initialBackoff(ms(300)).maxBackoff(ms(1000)).jitter(false).build();
        assertThat(p.delay(1, 0, null)).isEqualTo(ms(300));
        assertThat(p.delay(2, 0, null)).isEqualTo(ms(600));
        assertThat(p.delay(3, 0, null)).isEqualTo(ms(1000));
    }

    @Test
    void retryNumbersBelowOneUseInitialBackoff() {
        assertThat(NO_JITTER.delay(0, 0.5, null)).isEqualTo(ms(500));
        assertThat(NO_JITTER.delay(-3, 0.5, null)).isEqualTo(ms(500));
    }

    @Test
    void fullJitterScalesTheCeiling() {
        assertThat(JITTER.delay(1, 0.0, null)).isEqualTo(Duration.ZERO);
        assertThat(JITTER.delay(1, 0.999, null)).isEqualTo(Duration.ofNanos(499_500_000));
        assertThat(JITTER.delay(3, 0.5, null)).isEqualTo(ms(1000));
        assertThat(JITTER.delay(10, 0.0, null)).isEqualTo(Duration.ZERO);
        assertThat(JITTER.delay(10, 0.999, null)).isEqualTo(Duration.ofNanos(7_992_000_000L));
    }

    @Test
    void jitteredDelayNeverExceedsTheCeiling() {
        for (int retry = 1; retry <= 20; retry++) {
            Duration ceiling = NO_JITTER.delay(retry, 0, null);
            assertThat(JITTER.delay(retry, Math.nextDown(1.0), null)).isLessThanOrEqualTo(ceiling);
            assertThat(JITTER.delay(retry, 0, null)).isGreaterThanOrEqualTo(Duration.ZERO);
        }
    }

    @Test
    void retryAfterReplacesBackoff() {
        assertThat(JITTER.delay(1, 0.0, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(NO_JITTER.delay(5, 0.5, ms(1500))).isEqualTo(ms(1500));
        assertThat(NO_JITTER.delay(1, 0.5, Duration.ZERO)).isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterIsCappedAtMaxRetryAfter() {
        assertThat(JITTER.delay(1, 0.5, Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        assertThat(JITTER.delay(1, 0.5, Duration.ofSeconds(61))).isEqualTo(RetryPolicy.DEFAULT_MAX_RETRY_AFTER);
        RetryPolicy capped = RetryPolicy.builder().maxRetryAfter(ms(300)).jitter(false).build();
        assertThat(capped.delay(1, 0.5, Duration.ofHours(1))).isEqualTo(ms(300));
        assertThat(capped.delay(1, 0.5, ms(299))).isEqualTo(ms(299));
    }

    @Test
    void negativeRetryAfterIsIgnored() {
        assertThat(NO_JITTER.delay(2, 0.5, ms(-5))).isEqualTo(ms(1000));
    }

    @Test
    void zeroBackoffRetriesAtOnce() {
        RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build();
        assertThat(p.delay(1, 0.7, null)).isEqualTo(Duration.ZERO);
        assertThat(p.delay(40, 0.7, null)).isEqualTo(Duration.ZERO);
    }

    @Test
    void hugeDurationsAreClampedInsteadOfOverflowing() {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ofDays(1)).maxBackoff(forever)
                .maxRetryAfter(forever).jitter(false).build();
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        assertThat(p.delay(1, 0.5, null)).isEqualTo(Duration.ofDays(1));
        assertThat(p.delay(2, 0.5, null)).isEqualTo(Duration.ofDays(2));
        assertThat(p.delay(200, 0.5, null)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        assertThat(p.delay(1, 0.5, Duration.ofDays(400_000))).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        RetryPolicy jittered = RetryPolicy.builder().maxBackoff(forever).initialBackoff(forever).build();
        assertThat(jittered.delay(3, 0.999, null)).isPositive();
    }

    @Test
    void defaultsAndNone() {
        RetryPolicy d = RetryPolicy.defaults();
        assertThat(d.maxRetries()).isEqualTo(RetryPolicy.DEFAULT_MAX_RETRIES);
        assertThat(d.initialBackoff()).isEqualTo(RetryPolicy.DEFAULT_INITIAL_BACKOFF);
        assertThat(d.maxBackoff()).isEqualTo(RetryPolicy.DEFAULT_MAX_BACKOFF);
        assertThat(d.maxRetryAfter()).isEqualTo(RetryPolicy.DEFAULT_MAX_RETRY_AFTER);
        assertThat(d.jitter()).isTrue();
        assertThat(RetryPolicy.none().maxRetries()).isZero();
        assertThat(RetryPolicy.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
        assertThat(d.toString()).contains("maxRetries=2");
    }

    @Test
    void builderRejectsNegativeMaxRetries() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetries").hasMessageContaining("-1");
    }

    @Test
    void builderRejectsNullOrNegativeDurations() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(ms(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> RetryPolicy.builder().maxBackoff(ms(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> RetryPolicy.builder().maxRetryAfter(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetryAfter");
    }

    @Test
    void builderRejectsMaxBackoffBelowInitialBackoff() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff").hasMessageContaining("initialBackoff");
    }
}
