package dev.fluxllm.batch;

import java.util.function.Function;

/**
 * Reads the {@code x-ratelimit-*} response headers of OpenAI, Groq, Together, OpenRouter and
 * others: how many requests and tokens remain, and when each budget resets.
 *
 * @param remainingRequests  requests left, -1 when not said
 * @param resetRequestsMillis time until the request budget resets, -1 when not said
 * @param remainingTokens    tokens left, -1 when not said
 * @param resetTokensMillis  time until the token budget resets, -1 when not said
 */
record RateLimitHeaders(long remainingRequests, long resetRequestsMillis, long remainingTokens,
                        long resetTokensMillis) {

    static final RateLimitHeaders NONE = new RateLimitHeaders(-1, -1, -1, -1);

    /** Reads the headers; unreadable values count as absent. */
    static RateLimitHeaders read(Function<String, String> headers) {
        RateLimitHeaders h = new RateLimitHeaders(
                count(headers.apply("x-ratelimit-remaining-requests")),
                duration(headers.apply("x-ratelimit-reset-requests")),
                count(headers.apply("x-ratelimit-remaining-tokens")),
                duration(headers.apply("x-ratelimit-reset-tokens")));
        // Compared field by field: a record's generated equals goes through a method handle.
        return h.remainingRequests == -1 && h.resetRequestsMillis == -1 && h.remainingTokens == -1 && h.resetTokensMillis == -1
                ? NONE : h;
    }

    static long count(String text) {
        if (text == null || text.isBlank()) {
            return -1;
        }
        String s = text.trim();
        if (digitsOnly(s)) {
            // The usual form, read without a floating-point parse.
            return Long.parseLong(s);
        }
        try {
            double value = Double.parseDouble(s);
            return value >= 0 && value < Long.MAX_VALUE ? (long) value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean digitsOnly(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a reset time in milliseconds: Go-style durations as OpenAI and Groq send them
     * ({@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 2m59.56s}, {@code 1h2m}), or a bare number of
     * seconds. Returns -1 when unreadable.
     */
    static long duration(String text) {
        if (text == null || text.isBlank()) {
            return -1;
        }
        String s = text.trim();
        // Tried as a plain number only when it ends like one: "1s" would otherwise cost a thrown
        // NumberFormatException on every response of a batch.
        char last = s.charAt(s.length() - 1);
        if (last >= '0' && last <= '9' || last == '.') {
            try {
                return Math.round(Double.parseDouble(s) * 1000);
            } catch (NumberFormatException notPlain) {
                // a Go-style duration
            }
        }
        double millis = 0;
        int i = 0;
        boolean any = false;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                return -1;
            }
            double value;
            String number = s.substring(start, i);
            if (digitsOnly(number)) {
                value = Long.parseLong(number);
            } else {
                try {
                    value = Double.parseDouble(number);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            switch (s.substring(unitStart, i)) {
                case "h" -> millis += value * 3_600_000;
                case "m" -> millis += value * 60_000;
                case "s" -> millis += value * 1000;
                case "ms" -> millis += value;
                case "us", "µs" -> millis += value / 1000;
                case "ns" -> millis += value / 1_000_000;
                default -> {
                    return -1;
                }
            }
            any = true;
        }
        return any ? (long) Math.ceil(millis) : -1;
    }
}
