package dev.fluxllm;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.fluxllm.internal.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes a configured client, for logs, admin endpoints and tool discovery: never contains the
 * API key, only the name of the environment variable it came from. {@link #toJson()} (and Jackson,
 * through {@link #toMap()}) writes snake_case keys:
 *
 * <pre>{@code
 * {"client_class":"dev.fluxllm.OpenAiCompatClient","default_model":"qwen2.5-1.5b",
 *  "backend":{"kind":"openai_compatible_http","name":"vllm","base_url":"http://localhost:8000/v1",
 *             "default_model":"qwen2.5-1.5b","api_key_env":"VLLM_API_KEY","max_retries":2,
 *             "model_patterns":["qwen2.5-*"]},
 *  "capabilities":{"streaming":true,"tool_calling":true,"json_mode":true,"vision":false,
 *                  "max_context_tokens":null},
 *  "server":null}
 * }</pre>
 *
 * @param clientClass   the client's class name
 * @param defaultModel  the default model, null when none
 * @param backend       where and how the client connects
 * @param capabilities  what the backend can do, as configured
 * @param server        the server the client manages, null when it manages none (always, today)
 */
public record ClientDescription(String clientClass, String defaultModel, Backend backend,
                                Capabilities capabilities, Map<String, Object> server) {

    /** The {@code backend.kind} of every {@link OpenAiCompatClient}. */
    public static final String KIND_OPENAI_COMPATIBLE_HTTP = "openai_compatible_http";

    /**
     * Describes where a client connects.
     *
     * @param kind           always {@value ClientDescription#KIND_OPENAI_COMPATIBLE_HTTP} for this client
     * @param name           the client's name
     * @param baseUrl        the base URL (no query, no key)
     * @param defaultModel   the default model, null when none
     * @param apiKeyEnv      the NAME of the environment variable holding the key, null when none
     * @param maxRetries     retries after the first attempt
     * @param modelPatterns  the glob patterns of models it serves
     */
    public record Backend(String kind, String name, String baseUrl, String defaultModel, String apiKeyEnv,
                          int maxRetries, List<String> modelPatterns) {

        /** Returns the values under their snake_case JSON names, in a fixed order. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("name", name);
            m.put("base_url", baseUrl);
            m.put("default_model", defaultModel);
            m.put("api_key_env", apiKeyEnv);
            m.put("max_retries", maxRetries);
            m.put("model_patterns", modelPatterns);
            return m;
        }
    }

    /** Returns the description under its snake_case JSON names, in a fixed order; Jackson writes this. */
    @JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_class", clientClass);
        m.put("default_model", defaultModel);
        m.put("backend", backend.toMap());
        m.put("capabilities", capabilities.toMap());
        m.put("server", server);
        return m;
    }

    /** Returns the description as compact JSON with snake_case keys. */
    public String toJson() {
        return Json.MAPPER.writeValueAsString(toMap());
    }
}
