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
            double value = number(s, start, i);
            if (value < 0) {
                return -1;
            }
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            // Matched in place rather than as a substring: the same arithmetic per unit as always.
            switch (unit(s, unitStart, i)) {
                case 'h' -> millis += value * 3_600_000;
                case 'm' -> millis += value * 60_000;
                case 's' -> millis += value * 1000;
                case 'l' -> millis += value;
                case 'u' -> millis += value / 1000;
                case 'n' -> millis += value / 1_000_000;
                default -> {
                    return -1;
                }
            }
            any = true;
        }
        return any ? (long) Math.ceil(millis) : -1;
    }

    /**
     * Reads {@code s[start, end)}, made of digits and dots, as a number; -1 when it is none.
     * Whole numbers are read in place: a reset time arrives on every response of a batch.
     */
    private static double number(String s, int start, int end) {
        if (end - start <= 18) {
            long whole = 0;
            int i = start;
            while (i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                whole = whole * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == end) {
                return whole;
            }
        }
        try {
            return Double.parseDouble(s.substring(start, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Names the unit {@code s[start, end)}: {@code h}, {@code m}, {@code s}, {@code l} for ms,
     * {@code u} for us or µs, {@code n} for ns; 0 for anything else.
     */
    private static char unit(String s, int start, int end) {
        int length = end - start;
        char first = length > 0 ? s.charAt(start) : 0;
        if (length == 1 && (first == 'h' || first == 'm' || first == 's')) {
            return first;
        }
        if (length == 2 && s.charAt(start + 1) == 's') {
            return switch (first) {
                case 'm' -> 'l';
                case 'u', '\u00b5' -> 'u';
                case 'n' -> 'n';
                default -> 0;
            };
        }
        return 0;
    }
}
