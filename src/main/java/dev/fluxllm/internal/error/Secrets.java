package dev.fluxllm.internal.error;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Knows the caller's secrets (the bearer token, and the values of headers named like a key, token
 * or credential) so they can be removed from anything a server echoes back: some servers and
 * proxies repeat the key they refused ("Incorrect API key provided: sk-...").
 */
public final class Secrets {

    static final String MASK = "***";
    /** Shorter values are not masked: they would mask ordinary words. */
    private static final int MIN_SECRET_CHARS = 4;

    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    /** Collects the secrets among the headers sent on every call. */
    public static Secrets fromHeaders(Map<String, String> headers) {
        return of(null, headers);
    }

    /** Collects the API key (whatever header carries it) and the secrets among the headers. */
    public static Secrets of(String apiKey, Map<String, String> headers) {
        List<String> values = new ArrayList<>();
        if (apiKey != null) {
            values.add(apiKey.strip());
        }
        headers.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.contains("auth") || n.contains("key") || n.contains("token") || n.contains("secret")
                    || n.contains("cookie") || n.contains("signature") || n.contains("password")) {
                values.add(value.strip());
                int space = value.indexOf(' ');
                if (space > 0) {
                    values.add(value.substring(space + 1).strip()); // the credential of "Bearer xyz", "Basic xyz"
                }
            }
        });
        values.removeIf(v -> v.length() < MIN_SECRET_CHARS);
        // Longest first, so that "Bearer xyz" is hidden whole before "xyz".
        values.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return new Secrets(List.copyOf(values));
    }

    /** Returns the secret strings, longest first. */
    public List<String> values() {
        return values;
    }

    /** Returns the body with every secret replaced by {@value #MASK}; the same array when none occurs. */
    public byte[] redact(byte[] body) {
        if (values.isEmpty() || body.length == 0) {
            return body;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String redacted = text;
        for (String v : values) {
            redacted = redacted.replace(v, MASK);
        }
        return redacted.equals(text) ? body : redacted.getBytes(StandardCharsets.UTF_8);
    }
}
