package dev.fluxllm.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * FluxLLM's Spring Boot properties: the default client under {@code fluxllm.*} (base-url,
 * api-key or api-key-env, default-model, provider, timeouts, retry, pool, headers), named clients
 * under {@code fluxllm.clients.<name>.*}, the router, health checks and observations.
 */
@ConfigurationProperties(prefix = "fluxllm")
public class FluxLlmProperties extends ClientSettings {

    /** Named clients, each with the same settings as the default client. */
    private Map<String, ClientSettings> clients = new LinkedHashMap<>();
    /** How long shutdown waits for calls in flight before closing the clients. */
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    /** The router over the clients. */
    private final Router router = new Router();
    /** The Actuator health indicator. */
    private final Health health = new Health();
    /** The observation listener. */
    private final Observations observations = new Observations();

    /** Router settings. */
    public static class Router {
        /** Whether to create an LlmRouter bean over every client. */
        private boolean enabled;
        /** The backend used when no model pattern matches. */
        private String defaultBackend;
        /** Whether a failed backend's call moves to the next one. */
        private boolean failover = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getDefaultBackend() { return defaultBackend; }
        public void setDefaultBackend(String defaultBackend) { this.defaultBackend = defaultBackend; }
        public boolean isFailover() { return failover; }
        public void setFailover(boolean failover) { this.failover = failover; }
    }

    /** Health settings. */
    public static class Health {
        /** Whether to contribute the fluxllm health indicator. */
        private boolean enabled = true;
        /** How long a backend's health check result is reused. */
        private Duration cacheTtl = Duration.ofSeconds(30);
        /** Longest wait for one backend's probe (GET /models; never a prompt). */
        private Duration timeout = Duration.ofSeconds(5);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getCacheTtl() { return cacheTtl; }
        public void setCacheTtl(Duration cacheTtl) { this.cacheTtl = cacheTtl; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
    }

    /** Observation settings. */
    public static class Observations {
        /** Whether observations record message content (prompts, answers, tool arguments). */
        private boolean captureContent;
        /** gen_ai.provider.name; guessed from each base URL when unset. */
        private String providerName;
        /** Whether to record gen_ai.client.operation.time_per_output_chunk (one histogram record per streamed chunk). */
        private boolean chunkMetrics = true;

        public boolean isChunkMetrics() { return chunkMetrics; }
        public void setChunkMetrics(boolean chunkMetrics) { this.chunkMetrics = chunkMetrics; }

        public boolean isCaptureContent() { return captureContent; }
        public void setCaptureContent(boolean captureContent) { this.captureContent = captureContent; }
        public String getProviderName() { return providerName; }
        public void setProviderName(String providerName) { this.providerName = providerName; }
    }

    public Map<String, ClientSettings> getClients() { return clients; }
    public void setClients(Map<String, ClientSettings> clients) { this.clients = clients; }
    public Duration getShutdownTimeout() { return shutdownTimeout; }
    public void setShutdownTimeout(Duration shutdownTimeout) { this.shutdownTimeout = shutdownTimeout; }
    public Router getRouter() { return router; }
    public Health getHealth() { return health; }
    public Observations getObservations() { return observations; }
}
