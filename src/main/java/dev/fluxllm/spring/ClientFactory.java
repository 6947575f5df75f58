package dev.fluxllm.spring;

import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.Provider;
import dev.fluxllm.RetryPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Builds clients from {@link ClientSettings}; a bad value fails naming its property. */
final class ClientFactory {

    private ClientFactory() {
    }

    static OpenAiCompatClient build(String name, String prefix, ClientSettings s, List<LlmListener> listeners,
                                    List<FluxLlmClientCustomizer> customizers) {
        OpenAiCompatClient.Builder b;
        if (s.getProvider() != null && !s.getProvider().isBlank()) {
            Provider p = provider(prefix + ".provider", s.getProvider());
            b = apply(prefix + ".provider", () -> p.builder());
        } else {
            b = OpenAiCompatClient.builder();
        }
        OpenAiCompatClient.Builder builder = b;
        set(prefix + ".base-url", s.getBaseUrl(), builder::baseUrl);
        if (s.getBaseUrl() == null && (s.getProvider() == null || s.getProvider().isBlank())) {
            throw new IllegalArgumentException(prefix + ".base-url is required (or " + prefix + ".provider)");
        }
        apply(prefix + ".name", () -> builder.name(name));
        set(prefix + ".api-key", s.getApiKey(), builder::apiKey);
        set(prefix + ".api-key-env", s.getApiKeyEnv(), builder::apiKeyFromEnv);
        set(prefix + ".default-model", s.getDefaultModel(), builder::defaultModel);
        set(prefix + ".connect-timeout", positive(prefix + ".connect-timeout", s.getConnectTimeout()), builder::connectTimeout);
        set(prefix + ".response-timeout", positive(prefix + ".response-timeout", s.getResponseTimeout()),
                builder::responseTimeout);
        set(prefix + ".stream-idle-timeout", positive(prefix + ".stream-idle-timeout", s.getStreamIdleTimeout()),
                builder::streamIdleTimeout);
        set(prefix + ".http-version", s.getHttpVersion(), builder::httpVersion);
        s.getHeaders().forEach((k, v) -> set(prefix + ".headers." + k, v, value -> builder.header(k, value)));
        if (!s.getModelPatterns().isEmpty()) {
            set(prefix + ".model-patterns", s.getModelPatterns().toArray(String[]::new), builder::modelPatterns);
        }
        ClientSettings.Retry r = s.getRetry();
        if (r.getMaxRetries() != null || r.getInitialBackoff() != null || r.getMaxBackoff() != null) {
            RetryPolicy.Builder rb = RetryPolicy.builder();
            set(prefix + ".retry.max-retries", r.getMaxRetries(), rb::maxRetries);
            set(prefix + ".retry.initial-backoff", positive(prefix + ".retry.initial-backoff", r.getInitialBackoff()),
                    rb::initialBackoff);
            set(prefix + ".retry.max-backoff", positive(prefix + ".retry.max-backoff", r.getMaxBackoff()), rb::maxBackoff);
            RetryPolicy policy = apply(prefix + ".retry", rb::build);
            builder.retryPolicy(policy);
        }
        ClientSettings.Pool pool = s.getPool();
        set(prefix + ".pool.max-connections", pool.getMaxConnections(), builder::maxConnections);
        set(prefix + ".pool.pending-acquire-max-count", pool.getPendingAcquireMaxCount(), builder::pendingAcquireMaxCount);
        set(prefix + ".pool.pending-acquire-timeout",
                positive(prefix + ".pool.pending-acquire-timeout", pool.getPendingAcquireTimeout()),
                builder::pendingAcquireTimeout);
        listeners.forEach(builder::listener);
        customizers.forEach(c -> c.customize(name, builder));
        return apply(prefix, builder::build);
    }

    static Provider provider(String property, String value) {
        String v = value.trim();
        for (Provider p : Provider.values()) {
            if (p.id().equalsIgnoreCase(v) || p.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return p;
            }
        }
        throw new IllegalArgumentException(property + " is not a known provider: '" + value + "'; known: "
                + Arrays.stream(Provider.values()).map(Provider::id).toList());
    }

    private static Duration positive(String property, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(property + " must be positive, got " + d);
        }
        return d;
    }

    private static <T> void set(String property, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        apply(property, () -> {
            setter.accept(value);
            return null;
        });
    }

    private static <T> T apply(String property, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            String name = property;
            int space = message.indexOf(' ');
            if (property.endsWith("fluxllm") || property.matches(".*clients\\.[^.]+$")) {
                // A failure at build(): the builder names its field (baseUrl), the property is base-url.
                if (space > 0) {
                    name = property + "." + kebab(message.substring(0, space));
                }
            }
            // No cause: the message naming the property is what start-up reports.
            throw new IllegalArgumentException(name + ": " + message);
        }
    }

    static String kebab(String s) {
        return s.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
