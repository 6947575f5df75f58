package dev.fluxllm.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one client, under {@code fluxllm.*} for the default client and under
 * {@code fluxllm.clients.<name>.*} for each named one. Unset values keep the client's defaults.
 */
public class ClientSettings {

    /** Base URL of the OpenAI-compatible server, e.g. {@code http://127.0.0.1:8000/v1}; defaults to the provider's. */
    private String baseUrl;
    /** API key sent as a Bearer token. Prefer {@code api-key-env}. Never logged. */
    private String apiKey;
    /** Name of the environment variable holding the API key, e.g. {@code OPENAI_API_KEY}. */
    private String apiKeyEnv;
    /** Model used when a request names none. */
    private String defaultModel;
    /** Provider preset (base URL, key variable, quirks): openai, vllm, sglang, llama-cpp, ollama, lm-studio, tgi, openrouter, groq, together, fireworks, mistral, deepseek. */
    private String provider;
    /** Connect timeout. */
    private Duration connectTimeout;
    /** Time until the response headers arrive. */
    private Duration responseTimeout;
    /** Longest silence inside a stream. */
    private Duration streamIdleTimeout;
    /** HTTP version: http-1-1 (default) or http-2 (ALPN over https, h2c with prior knowledge over http). */
    private dev.fluxllm.HttpVersion httpVersion;
    /** Extra headers sent on every call. */
    private Map<String, String> headers = new LinkedHashMap<>();
    /** Model name patterns this client serves (globs), for the router. */
    private List<String> modelPatterns = new ArrayList<>();
    /** Retries. */
    private final Retry retry = new Retry();
    /** Connection pool. */
    private final Pool pool = new Pool();

    /** Retry settings. */
    public static class Retry {
        /** Most retries after the first attempt. */
        private Integer maxRetries;
        /** First backoff. */
        private Duration initialBackoff;
        /** Longest backoff. */
        private Duration maxBackoff;

        public Integer getMaxRetries() { return maxRetries; }
        public void setMaxRetries(Integer maxRetries) { this.maxRetries = maxRetries; }
        public Duration getInitialBackoff() { return initialBackoff; }
        public void setInitialBackoff(Duration initialBackoff) { this.initialBackoff = initialBackoff; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
    }

    /** Connection-pool settings. */
    public static class Pool {
        /** Most connections open at once. */
        private Integer maxConnections;
        /** Most calls waiting for a connection. */
        private Integer pendingAcquireMaxCount;
        /** Longest wait for a connection. */
        private Duration pendingAcquireTimeout;

        public Integer getMaxConnections() { return maxConnections; }
        public void setMaxConnections(Integer maxConnections) { this.maxConnections = maxConnections; }
        public Integer getPendingAcquireMaxCount() { return pendingAcquireMaxCount; }
        public void setPendingAcquireMaxCount(Integer n) { this.pendingAcquireMaxCount = n; }
        public Duration getPendingAcquireTimeout() { return pendingAcquireTimeout; }
        public void setPendingAcquireTimeout(Duration timeout) { this.pendingAcquireTimeout = timeout; }
    }

    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public String getApiKeyEnv() { return apiKeyEnv; }
    public void setApiKeyEnv(String apiKeyEnv) { this.apiKeyEnv = apiKeyEnv; }
    public String getDefaultModel() { return defaultModel; }
    public void setDefaultModel(String defaultModel) { this.defaultModel = defaultModel; }
    public String getProvider() { return provider; }
    public void setProvider(String provider) { this.provider = provider; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getResponseTimeout() { return responseTimeout; }
    public void setResponseTimeout(Duration responseTimeout) { this.responseTimeout = responseTimeout; }
    public Duration getStreamIdleTimeout() { return streamIdleTimeout; }
    public dev.fluxllm.HttpVersion getHttpVersion() { return httpVersion; }
    public void setHttpVersion(dev.fluxllm.HttpVersion httpVersion) { this.httpVersion = httpVersion; }
    public void setStreamIdleTimeout(Duration streamIdleTimeout) { this.streamIdleTimeout = streamIdleTimeout; }
    public Map<String, String> getHeaders() { return headers; }
    public void setHeaders(Map<String, String> headers) { this.headers = headers; }
    public List<String> getModelPatterns() { return modelPatterns; }
    public void setModelPatterns(List<String> modelPatterns) { this.modelPatterns = modelPatterns; }
    public Retry getRetry() { return retry; }
    public Pool getPool() { return pool; }

    /** Returns whether anything says where this client points (a base URL or a provider). */
    boolean isConfigured() {
        return (baseUrl != null && !baseUrl.isBlank()) || (provider != null && !provider.isBlank());
    }

    @Override
    public String toString() {
        return "ClientSettings[baseUrl=" + baseUrl + ", provider=" + provider + ", defaultModel=" + defaultModel
                + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
    }
}
