package dev.fluxllm.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads {@code Retry-After} and {@code retry-after-ms} against a fixed clock. */
class RetryAfterTest {

    static final ZonedDateTime NOW = ZonedDateTime.of(2015, 10, 21, 7, 28, 0, 0, ZoneOffset.UTC);
    static final long NOW_MILLIS = NOW.toInstant().toEpochMilli();

    static Duration retryAfter(String value) {
        return RetryAfter.parse(null, value, NOW_MILLIS);
    }

    static String httpDate(ZonedDateTime t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t);
    }

    @Test
    void wholeSeconds() {
        assertThat(retryAfter("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(retryAfter("0")).isEqualTo(Duration.ZERO);
        assertThat(retryAfter(" 7 ")).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void decimalSeconds() {
        assertThat(retryAfter("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(retryAfter("0.25")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void httpDateInTheFuture() {
        assertThat(retryAfter("Wed, 21 Oct 2015 07:28:05 GMT")).isEqualTo(Duration.ofSeconds(5));
        assertThat(retryAfter(httpDate(NOW.plusMinutes(2)))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void httpDateInThePastMeansNow() {
        assertThat(retryAfter("Wed, 21 Oct 2015 07:27:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(retryAfter(httpDate(NOW))).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1", "-0.5", "NaN", "Infinity", "1e400", "2 seconds", "2,3",
            "Wed, 21 Oct 2015 07:28", "Thu, 21 Oct 2015 07:28:05 GMT", "Wednesday, 21-Oct-15 07:28:05 GMT", ""})
    void unreadableOrNegativeMeansNoHint(String value) {
        Duration d = retryAfter(value);
        if (d != null) {
            // Only a lenient date parse may read these; it must never be negative.
            assertThat(d.isNegative()).isFalse();
        }
        if (!value.contains("Oct")) {
            assertThat(d).isNull();
        }
    }

    @Test
    void absentMeansNoHint() {
        assertThat(RetryAfter.parse(null, null, NOW_MILLIS)).isNull();
        assertThat(RetryAfter.parse("  ", "  ", NOW_MILLIS)).isNull();
    }

    @Test
    void hugeSecondsSaturate() {
        assertThat(retryAfter("1e18")).isPositive();
        assertThat(retryAfter("99999999999999999999")).isPositive();
    }

    @Test
    void retryAfterMsTakesPrecedence() {
        assertThat(RetryAfter.parse("250", "60", NOW_MILLIS)).isEqualTo(Duration.ofMillis(250));
        assertThat(RetryAfter.parse("1.5", "60", NOW_MILLIS)).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(RetryAfter.parse("0", "60", NOW_MILLIS)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("250", null, NOW_MILLIS)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void unreadableRetryAfterMsFallsBackToRetryAfter() {
        assertThat(RetryAfter.parse("later", "3", NOW_MILLIS)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("-10", "3", NOW_MILLIS)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("", "Wed, 21 Oct 2015 07:28:01 GMT", NOW_MILLIS)).isEqualTo(Duration.ofSeconds(1));
    }
}
