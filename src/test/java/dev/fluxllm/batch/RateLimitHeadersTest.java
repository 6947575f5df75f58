package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void countsAreReadAsWholeNumbersOrDecimalsAndAnythingElseIsAbsent() {
        assertThat(RateLimitHeaders.count("100000")).isEqualTo(100_000);
        assertThat(RateLimitHeaders.count(" 42 ")).isEqualTo(42);
        assertThat(RateLimitHeaders.count("0")).isZero();
        assertThat(RateLimitHeaders.count("12.7")).isEqualTo(12);
        assertThat(RateLimitHeaders.count("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
        assertThat(RateLimitHeaders.count("-3")).isEqualTo(-1);
        assertThat(RateLimitHeaders.count("lots")).isEqualTo(-1);
        assertThat(RateLimitHeaders.count("")).isEqualTo(-1);
        assertThat(RateLimitHeaders.count(null)).isEqualTo(-1);
    }

    @Test
    void resetTimesAreReadAsGoDurationsOrPlainSeconds() {
        assertThat(RateLimitHeaders.duration("1s")).isEqualTo(1000);
        assertThat(RateLimitHeaders.duration("20ms")).isEqualTo(20);
        assertThat(RateLimitHeaders.duration("6m0s")).isEqualTo(360_000);
        assertThat(RateLimitHeaders.duration("2m59.56s")).isEqualTo(179_560);
        assertThat(RateLimitHeaders.duration("1h2m")).isEqualTo(3_720_000);
        assertThat(RateLimitHeaders.duration("1.5")).isEqualTo(1500);
        assertThat(RateLimitHeaders.duration("7")).isEqualTo(7000);
        assertThat(RateLimitHeaders.duration("3.")).isEqualTo(3000);
        assertThat(RateLimitHeaders.duration("soon")).isEqualTo(-1);
        assertThat(RateLimitHeaders.duration("5x")).isEqualTo(-1);
        assertThat(RateLimitHeaders.duration(" ")).isEqualTo(-1);
    }

    @Test
    void resetTimesReadInPlaceKeepEveryUnitAndRejectWhatIsNoDuration() {
        assertThat(RateLimitHeaders.duration("1500us")).isEqualTo(2);
        assertThat(RateLimitHeaders.duration("1000\u00b5s")).isEqualTo(1);
        assertThat(RateLimitHeaders.duration("2000000ns")).isEqualTo(2);
        assertThat(RateLimitHeaders.duration("1m30s500ms")).isEqualTo(90_500);
        assertThat(RateLimitHeaders.duration("0.5m")).isEqualTo(30_000);
        assertThat(RateLimitHeaders.duration("100ms")).isEqualTo(100);
        assertThat(RateLimitHeaders.duration("1.2.3s")).isEqualTo(-1);
        assertThat(RateLimitHeaders.duration(".s")).isEqualTo(-1);
        assertThat(RateLimitHeaders.duration("1sec")).isEqualTo(-1);
        assertThat(RateLimitHeaders.duration("1ks")).isEqualTo(-1);
        assertThat(RateLimitHeaders.duration("s")).isEqualTo(-1);
    }

    @Test
    void headersNamingNoLimitAreNone() {
        Map<String, String> sent = Map.of("x-ratelimit-remaining-requests", "99", "x-ratelimit-reset-requests", "1s");
        assertThat(RateLimitHeaders.read(sent::get)).isEqualTo(new RateLimitHeaders(99, 1000, -1, -1));
        assertThat(RateLimitHeaders.read(name -> null)).isSameAs(RateLimitHeaders.NONE);
    }
}
