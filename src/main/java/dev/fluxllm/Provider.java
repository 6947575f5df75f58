package dev.fluxllm;

/**
 * Lists the servers and services FluxLLM knows, with their conventional base URL, API-key variable,
 * capabilities and quirks: one row each. {@link #builder()} returns an
 * {@link OpenAiCompatClient.Builder} filled from the row; {@link Providers} has a method per row.
 */
public enum Provider {

    /** OpenAI: {@code https://api.openai.com/v1}, {@code OPENAI_API_KEY}. */
    OPENAI("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true, null, true),
    /** Azure OpenAI; use {@link Providers#azureOpenAi(String, String, String)}, which adds the deployment. */
    AZURE_OPENAI("azure-openai", null, "AZURE_OPENAI_API_KEY", true, null, true),
    /** vLLM's OpenAI server: {@code http://localhost:8000/v1}, {@code VLLM_API_KEY}. */
    VLLM("vllm", "http://localhost:8000/v1", "VLLM_API_KEY", true, "reasoning_content", false),
    /** SGLang: {@code http://localhost:30000/v1}, {@code SGLANG_API_KEY}. */
    SGLANG("sglang", "http://localhost:30000/v1", "SGLANG_API_KEY", true, "reasoning_content", false),
    /** llama.cpp's {@code llama-server}: {@code http://localhost:8080/v1}, {@code LLAMA_API_KEY}. */
    LLAMA_CPP("llama-cpp", "http://localhost:8080/v1", "LLAMA_API_KEY", true, "reasoning_content", false),
    /** Ollama's OpenAI-compatible API: {@code http://localhost:11434/v1}, {@code OLLAMA_API_KEY}. */
    OLLAMA("ollama", "http://localhost:11434/v1", "OLLAMA_API_KEY", true, "reasoning", false),
    /** LM Studio: {@code http://localhost:1234/v1}, {@code LM_STUDIO_API_KEY}. */
    LM_STUDIO("lm-studio", "http://localhost:1234/v1", "LM_STUDIO_API_KEY", true, null, false),
    /** Hugging Face Text Generation Inference: {@code http://localhost:8080/v1}, {@code HF_TOKEN}. */
    TGI("tgi", "http://localhost:8080/v1", "HF_TOKEN", true, null, false, false),
    /** OpenRouter: {@code https://openrouter.ai/api/v1}, {@code OPENROUTER_API_KEY}. */
    OPENROUTER("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true, "reasoning", true),
    /** Groq: {@code https://api.groq.com/openai/v1}, {@code GROQ_API_KEY}. */
    GROQ("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", true, "reasoning", false),
    /** Together AI: {@code https://api.together.xyz/v1}, {@code TOGETHER_API_KEY}. */
    TOGETHER("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", true, null, false),
    /** Fireworks AI: {@code https://api.fireworks.ai/inference/v1}, {@code FIREWORKS_API_KEY}. */
    FIREWORKS("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", true, null, false),
    /** Mistral: {@code https://api.mistral.ai/v1}, {@code MISTRAL_API_KEY}; rejects {@code stream_options}. */
    MISTRAL("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", false, null, false),
    /** DeepSeek: {@code https://api.deepseek.com/v1}, {@code DEEPSEEK_API_KEY}. */
    DEEPSEEK("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", true, "reasoning_content", false, false);

    private final String id;
    private final String baseUrl;
    private final String apiKeyEnv;
    private final boolean acceptsStreamOptions;
    private final String reasoningField;
    private final Capabilities capabilities;

    Provider(String id, String baseUrl, String apiKeyEnv, boolean acceptsStreamOptions, String reasoningField,
             boolean vision) {
        this(id, baseUrl, apiKeyEnv, acceptsStreamOptions, reasoningField, vision, true);
    }

    /** {@code jsonSchema}: whether the server honours {@code json_schema} response formats (TGI and DeepSeek only JSON mode). */
    Provider(String id, String baseUrl, String apiKeyEnv, boolean acceptsStreamOptions, String reasoningField,
             boolean vision, boolean jsonSchema) {
        this.id = id;
        this.baseUrl = baseUrl;
        this.apiKeyEnv = apiKeyEnv;
        this.acceptsStreamOptions = acceptsStreamOptions;
        this.reasoningField = reasoningField;
        this.capabilities = Capabilities.builder().vision(vision).jsonSchema(jsonSchema).build();
    }

    /** Returns the short name used as the client's name, e.g. {@code vllm}. */
    public String id() {
        return id;
    }

    /** Returns the conventional base URL, null for Azure (it depends on the resource). */
    public String defaultBaseUrl() {
        return baseUrl;
    }

    /** Returns the conventional name of the environment variable holding the API key. */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    /** Returns whether the server accepts {@code stream_options} (Mistral rejects unknown fields). */
    public boolean acceptsStreamOptions() {
        return acceptsStreamOptions;
    }

    /**
     * Returns the delta field the server streams reasoning in ({@code reasoning_content} or
     * {@code reasoning}), null when it sends none. Informational: both are read either way.
     */
    public String reasoningField() {
        return reasoningField;
    }

    /** Returns the capabilities the preset sets. */
    public Capabilities capabilities() {
        return capabilities;
    }

    /**
     * Returns a client builder with this provider's name, base URL, key variable, capabilities and
     * quirks; the caller adds a model and may override anything.
     *
     * @throws IllegalStateException for {@link #AZURE_OPENAI}, which needs a resource and deployment
     */
    public OpenAiCompatClient.Builder builder() {
        if (baseUrl == null) {
            throw new IllegalStateException(name() + " needs more than a base URL: use Providers.azureOpenAi(...)");
        }
        return configure(OpenAiCompatClient.builder().baseUrl(baseUrl));
    }

    OpenAiCompatClient.Builder configure(OpenAiCompatClient.Builder b) {
        return b.name(id)
                .apiKeyFromEnv(apiKeyEnv)
                .capabilities(capabilities)
                .acceptsStreamOptions(acceptsStreamOptions);
    }
}
