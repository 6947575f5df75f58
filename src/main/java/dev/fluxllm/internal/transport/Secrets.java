package dev.fluxllm.internal.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Removes the caller's secrets (the bearer token, and the values of headers named like a key or
 * token) from error bodies before they reach messages: some servers and proxies echo the key they
 * refused ("Incorrect API key provided: sk-...").
 */
final class Secrets {

    static final String MASK = "***";
    /** Shorter values are not masked: they would mask ordinary words. */
    private static final int MIN_SECRET_CHARS = 6;

    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    /** Collects the secrets among the headers sent on every call. */
    static Secrets fromHeaders(Map<String, String> headers) {
        List<String> values = new ArrayList<>();
        headers.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            String v = value;
            if (n.equals("authorization") && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                v = v.substring(7);
            } else if (!(n.contains("key") || n.contains("token") || n.contains("secret") || n.contains("auth"))) {
                return;
            }
            v = v.strip();
            if (v.length() >= MIN_SECRET_CHARS) {
                values.add(v);
            }
        });
        return new Secrets(List.copyOf(values));
    }

    /** Returns the body with every secret replaced by {@value #MASK}; the same array when none occurs. */
    byte[] redact(byte[] body) {
        if (values.isEmpty() || body.length == 0) {
            return body;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String redacted = text;
        for (String v : values) {
            redacted = redacted.replace(v, MASK);
        }
        return redacted == text ? body : redacted.getBytes(StandardCharsets.UTF_8);
    }
}
