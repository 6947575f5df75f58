package dev.fluxllm.internal.error;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads how long a server asks the client to wait: {@code retry-after-ms} (OpenAI, milliseconds)
 * first, then {@code Retry-After} as seconds or as an HTTP date.
 */
final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * Returns the wait the headers ask for, or null when they ask none (or say it unreadably).
     *
     * @param retryAfterMs  the {@code retry-after-ms} header, may be null
     * @param retryAfter    the {@code Retry-After} header, may be null
     * @param nowMillis     the current wall-clock time, for HTTP dates
     */
    public static Duration parse(String retryAfterMs, String retryAfter, long nowMillis) {
        Duration ms = parseNumber(retryAfterMs, 1);
        if (ms != null) {
            return ms;
        }
        if (retryAfter == null || retryAfter.isBlank()) {
            return null;
        }
        Duration seconds = parseNumber(retryAfter, 1000);
        if (seconds != null) {
            return seconds;
        }
        try {
            long at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli();
            return Duration.ofMillis(Math.max(0, at - nowMillis));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration parseNumber(String text, long unitMillis) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= 0) || Double.isInfinite(value)) {
                return null;
            }
            return Duration.ofNanos((long) Math.min(value * unitMillis * 1_000_000d, Long.MAX_VALUE / 2d));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
