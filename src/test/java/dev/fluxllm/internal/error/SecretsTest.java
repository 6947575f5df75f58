package dev.fluxllm.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Removes the bearer token and key-like header values from error bodies. */
class SecretsTest {

    static String redact(Map<String, String> headers, String body) {
        return new String(Secrets.fromHeaders(headers).redact(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void bearerTokenIsMaskedEverywhere() {
        Map<String, String> headers = Map.of("Authorization", "Bearer sk-abc123456", "User-Agent", "fluxllm/0.1");
        assertThat(redact(headers, "Incorrect API key provided: sk-abc123456 (sk-abc123456)"))
                .isEqualTo("Incorrect API key provided: *** (***)");
    }

    @Test
    void keyLikeHeadersAreMaskedOthersKept() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("api-key", "azure-key-value");
        headers.put("X-Auth-Token", "token-value-1");
        headers.put("HTTP-Referer", "https://example.org");
        headers.put("User-Agent", "fluxllm/0.1");
        assertThat(redact(headers, "azure-key-value token-value-1 https://example.org fluxllm/0.1"))
                .isEqualTo("*** *** https://example.org fluxllm/0.1");
    }

    @Test
    void shortValuesAndBodiesWithoutSecretsAreUntouched() {
        Secrets secrets = Secrets.fromHeaders(Map.of("x-api-key", "abc", "Authorization", "Bearer sk-abc123456"));
        byte[] body = "nothing secret, abc".getBytes(StandardCharsets.UTF_8);
        assertThat(secrets.redact(body)).isSameAs(body);
        byte[] empty = new byte[0];
        assertThat(secrets.redact(empty)).isSameAs(empty);
        byte[] any = "sk-abc123456".getBytes(StandardCharsets.UTF_8);
        assertThat(Secrets.fromHeaders(Map.of()).redact(any)).isSameAs(any);
    }
}
