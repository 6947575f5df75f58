package dev.fluxllm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Starts client builders pre-filled for well-known servers and services (see {@link Provider} for
 * the table): base URL, API key from the conventional environment variable, capabilities, quirks.
 *
 * <pre>{@code
 * OpenAiCompatClient vllm = Providers.vllm().defaultModel("qwen2.5-1.5b").build();
 * OpenAiCompatClient groq = Providers.groq().defaultModel("llama-3.3-70b-versatile").build();
 * }</pre>
 */
public final class Providers {

    private Providers() {
    }

    /** Returns a builder for {@code provider}; see {@link Provider#builder()}. */
    public static OpenAiCompatClient.Builder of(Provider provider) {
        return provider.builder();
    }

    /** Returns a builder for OpenAI ({@code https://api.openai.com/v1}, {@code OPENAI_API_KEY}). */
    public static OpenAiCompatClient.Builder openAi() { return Provider.OPENAI.builder(); }

    /** Returns a builder for a local vLLM server ({@code http://localhost:8000/v1}). */
    public static OpenAiCompatClient.Builder vllm() { return Provider.VLLM.builder(); }

    /** Returns a builder for a local SGLang server ({@code http://localhost:30000/v1}). */
    public static OpenAiCompatClient.Builder sglang() { return Provider.SGLANG.builder(); }

    /** Returns a builder for a local llama.cpp server ({@code http://localhost:8080/v1}). */
    public static OpenAiCompatClient.Builder llamaCpp() { return Provider.LLAMA_CPP.builder(); }

    /** Returns a builder for a local Ollama ({@code http://localhost:11434/v1}). */
    public static OpenAiCompatClient.Builder ollama() { return Provider.OLLAMA.builder(); }

    /** Returns a builder for a local LM Studio ({@code http://localhost:1234/v1}). */
    public static OpenAiCompatClient.Builder lmStudio() { return Provider.LM_STUDIO.builder(); }

    /** Returns a builder for a local TGI ({@code http://localhost:8080/v1}, {@code HF_TOKEN}). */
    public static OpenAiCompatClient.Builder tgi() { return Provider.TGI.builder(); }

    /** Returns a builder for OpenRouter ({@code https://openrouter.ai/api/v1}). */
    public static OpenAiCompatClient.Builder openRouter() { return Provider.OPENROUTER.builder(); }

    /** Returns a builder for Groq ({@code https://api.groq.com/openai/v1}). */
    public static OpenAiCompatClient.Builder groq() { return Provider.GROQ.builder(); }

    /** Returns a builder for Together AI ({@code https://api.together.xyz/v1}). */
    public static OpenAiCompatClient.Builder together() { return Provider.TOGETHER.builder(); }

    /** Returns a builder for Fireworks AI ({@code https://api.fireworks.ai/inference/v1}). */
    public static OpenAiCompatClient.Builder fireworks() { return Provider.FIREWORKS.builder(); }

    /** Returns a builder for Mistral ({@code https://api.mistral.ai/v1}); {@code stream_options} is never sent. */
    public static OpenAiCompatClient.Builder mistral() { return Provider.MISTRAL.builder(); }

    /** Returns a builder for DeepSeek ({@code https://api.deepseek.com/v1}). */
    public static OpenAiCompatClient.Builder deepSeek() { return Provider.DEEPSEEK.builder(); }

    /**
     * Returns a builder for one Azure OpenAI deployment: base URL
     * {@code https://<resource>.openai.azure.com/openai/deployments/<deployment>}, the key in the
     * {@code api-key} header (from {@code AZURE_OPENAI_API_KEY}) instead of a Bearer token, the
     * {@code api-version} query parameter on every call, and the deployment as default model.
     *
     * @param resourceOrEndpoint  a resource name ({@code my-resource}) or an endpoint URL
     *                            ({@code https://my-resource.openai.azure.com})
     * @param deployment          the deployment name
     * @param apiVersion          e.g. {@code 2024-10-21}
     */
    public static OpenAiCompatClient.Builder azureOpenAi(String resourceOrEndpoint, String deployment,
                                                         String apiVersion) {
        require("resourceOrEndpoint", resourceOrEndpoint);
        require("deployment", deployment);
        require("apiVersion", apiVersion);
        String endpoint = resourceOrEndpoint.trim();
        if (!endpoint.toLowerCase(Locale.ROOT).startsWith("http://")
                && !endpoint.toLowerCase(Locale.ROOT).startsWith("https://")) {
            endpoint = "https://" + endpoint + ".openai.azure.com";
        }
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        String path = "/openai/deployments/" + URLEncoder.encode(deployment.trim(), StandardCharsets.UTF_8)
                .replace("+", "%20");
        return Provider.AZURE_OPENAI.configure(OpenAiCompatClient.builder().baseUrl(endpoint + path))
                .apiKeyHeader("api-key")
                .queryParam("api-version", apiVersion.trim())
                .defaultModel(deployment.trim());
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
