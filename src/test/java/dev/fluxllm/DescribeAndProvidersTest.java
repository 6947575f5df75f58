package dev.fluxllm;

import dev.fluxllm.support.WireMockSupport;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.internal.json.Json;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** describe(), capabilities, model patterns and provider presets. */
class DescribeAndProvidersTest extends WireMockSupport {

    static final String COMPLETION = """
            {"id":"c1","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""";

    @Test
    void describeWritesExactSnakeCaseJsonWithoutTheKey() {
        OpenAiCompatClient client = track(OpenAiCompatClient.builder()
                .name("local-vllm")
                .baseUrl("http://127.0.0.1:8000/v1/")
                .apiKey(KEY)
                .defaultModel("qwen2.5-1.5b")
                .modelPatterns("qwen2.5-*", "llama-?b")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).build())
                .capabilities(Capabilities.builder().vision(true).maxContextTokens(32768).build())
                .build());

        String json = client.describe().toJson();

        assertThat(Json.MAPPER.readTree(json)).isEqualTo(Json.MAPPER.readTree("""
                {"client_class":"dev.fluxllm.OpenAiCompatClient","default_model":"qwen2.5-1.5b",
                 "backend":{"kind":"openai_compatible_http","name":"local-vllm","base_url":"http://127.0.0.1:8000/v1",
                   "default_model":"qwen2.5-1.5b","api_key_env":null,"max_retries":2,
                   "model_patterns":["qwen2.5-*","llama-?b"]},
                 "capabilities":{"streaming":true,"tool_calling":true,"json_mode":true,"vision":true,
                   "max_context_tokens":32768},
                 "server":null}"""));
        assertThat(json).startsWith("{\"client_class\":").doesNotContain(KEY);
        // Jackson writes the record itself the same way.
        assertThat(Json.MAPPER.writeValueAsString(client.describe())).isEqualTo(json);
    }

    @Test
    void describeNamesTheKeyVariableNeverTheKey() {
        String variable = System.getenv().keySet().stream().filter(k -> k.equals("PATH") || k.equals("HOME"))
                .findFirst().orElseThrow();
        String value = System.getenv(variable);
        OpenAiCompatClient client = track(OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:1/v1")
                .apiKeyFromEnv(variable).build());
        ClientDescription d = client.describe();
        assertThat(d.backend().apiKeyEnv()).isEqualTo(variable);
        assertThat(d.toJson()).contains("\"api_key_env\":\"" + variable + "\"").doesNotContain(value);
        assertThat(d.capabilities()).isEqualTo(Capabilities.defaults());
        assertThat(d.toJson()).contains("\"capabilities\":{\"streaming\":true,\"tool_calling\":true,"
                + "\"json_mode\":true,\"vision\":false,\"max_context_tokens\":null}");
    }

    @Test
    void modelPatternsMatchGlobsAndTheDefaultModel() {
        OpenAiCompatClient client = track(OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:1/v1")
                .defaultModel("gpt-4o").modelPatterns("qwen2.5-*", "llama-?b", "a.b").build());
        assertThat(client.serves("qwen2.5-7b-instruct")).isTrue();
        assertThat(client.serves("qwen2.5-")).isTrue();
        assertThat(client.serves("qwen3-8b")).isFalse();
        assertThat(client.serves("llama-8b")).isTrue();
        assertThat(client.serves("llama-70b")).isFalse();
        assertThat(client.serves("a.b")).isTrue();
        assertThat(client.serves("axb")).isFalse();
        assertThat(client.serves("gpt-4o")).isTrue();
        assertThat(client.serves(null)).isFalse();
        OpenAiCompatClient all = track(OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:1/v1")
                .modelPatterns("*").build());
        assertThat(all.serves("anything")).isTrue();
        assertThatThrownBy(() -> OpenAiCompatClient.builder().modelPatterns("ok", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("modelPatterns");
    }

    @Test
    void presetsFillBaseUrlKeyVariableNameAndCapabilities() {
        Map<Provider, String> urls = Map.ofEntries(
                Map.entry(Provider.OPENAI, "https://api.openai.com/v1"),
                Map.entry(Provider.VLLM, "http://localhost:8000/v1"),
                Map.entry(Provider.SGLANG, "http://localhost:30000/v1"),
                Map.entry(Provider.LLAMA_CPP, "http://localhost:8080/v1"),
                Map.entry(Provider.OLLAMA, "http://localhost:11434/v1"),
                Map.entry(Provider.LM_STUDIO, "http://localhost:1234/v1"),
                Map.entry(Provider.TGI, "http://localhost:8080/v1"),
                Map.entry(Provider.OPENROUTER, "https://openrouter.ai/api/v1"),
                Map.entry(Provider.GROQ, "https://api.groq.com/openai/v1"),
                Map.entry(Provider.TOGETHER, "https://api.together.xyz/v1"),
                Map.entry(Provider.FIREWORKS, "https://api.fireworks.ai/inference/v1"),
                Map.entry(Provider.MISTRAL, "https://api.mistral.ai/v1"),
                Map.entry(Provider.DEEPSEEK, "https://api.deepseek.com/v1"));
        urls.forEach((provider, url) -> {
            OpenAiCompatClient c = track(Providers.of(provider).build());
            assertThat(c.baseUrl()).as(provider.name()).isEqualTo(url);
            assertThat(c.name()).isEqualTo(provider.id());
            assertThat(c.apiKeyEnv()).isEqualTo(provider.apiKeyEnv());
            assertThat(c.capabilities()).isEqualTo(provider.capabilities());
        });
        assertThat(track(Providers.openAi().build()).describe().backend().apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
        assertThat(track(Providers.vllm().build()).capabilities().vision()).isFalse();
        assertThat(track(Providers.openAi().build()).capabilities().vision()).isTrue();
        assertThat(track(Providers.deepSeek().build()).apiKeyEnv()).isEqualTo("DEEPSEEK_API_KEY");
        assertThat(Provider.MISTRAL.acceptsStreamOptions()).isFalse();
        assertThat(Provider.DEEPSEEK.reasoningField()).isEqualTo("reasoning_content");
        assertThat(track(Providers.sglang().build()).baseUrl()).isEqualTo("http://localhost:30000/v1");
        assertThat(track(Providers.llamaCpp().build()).baseUrl()).isEqualTo("http://localhost:8080/v1");
        assertThat(track(Providers.ollama().build()).baseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(track(Providers.lmStudio().build()).baseUrl()).isEqualTo("http://localhost:1234/v1");
        assertThat(track(Providers.tgi().build()).apiKeyEnv()).isEqualTo("HF_TOKEN");
        assertThat(track(Providers.openRouter().build()).apiKeyEnv()).isEqualTo("OPENROUTER_API_KEY");
        assertThat(track(Providers.groq().build()).apiKeyEnv()).isEqualTo("GROQ_API_KEY");
        assertThat(track(Providers.together().build()).apiKeyEnv()).isEqualTo("TOGETHER_API_KEY");
        assertThat(track(Providers.fireworks().build()).apiKeyEnv()).isEqualTo("FIREWORKS_API_KEY");
        assertThat(track(Providers.mistral().build()).apiKeyEnv()).isEqualTo("MISTRAL_API_KEY");
        assertThatThrownBy(Provider.AZURE_OPENAI::builder).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void presetIsAnOrdinaryBuilderTheCallerCanOverride() {
        OpenAiCompatClient c = track(Providers.vllm().baseUrl(wm.baseUrl() + "/v1").name("gpu-1")
                .defaultModel("m").apiKey(KEY).build());
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(COMPLETION)));
        assertThat(c.generate(ChatRequest.builder().user("Hi").build()).block(Duration.ofSeconds(5)).text()).isEqualTo("ok");
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization", equalTo("Bearer " + KEY)));
        assertThat(c.describe().backend().name()).isEqualTo("gpu-1");
    }

    @Test
    void azureSendsApiKeyHeaderApiVersionQueryAndDeploymentPath() {
        OpenAiCompatClient c = track(Providers.azureOpenAi(wm.baseUrl(), "gpt 4o-prod", "2024-10-21")
                .apiKey(KEY).build());
        assertThat(c.baseUrl()).isEqualTo(wm.baseUrl() + "/openai/deployments/gpt%204o-prod");
        assertThat(c.defaultModel()).isEqualTo("gpt 4o-prod");
        assertThat(c.name()).isEqualTo("azure-openai");
        wm.stubFor(post(urlPathEqualTo("/openai/deployments/gpt%204o-prod/chat/completions"))
                .willReturn(aResponse().withStatus(200).withBody(COMPLETION)));

        c.generate(ChatRequest.builder().user("Hi").build()).block(Duration.ofSeconds(5));

        wm.verify(postRequestedFor(urlEqualTo("/openai/deployments/gpt%204o-prod/chat/completions?api-version=2024-10-21"))
                .withHeader("api-key", equalTo(KEY))
                .withHeader("Authorization", absent()));
        assertThat(c.toString()).doesNotContain(KEY);
        assertThat(c.describe().toJson()).doesNotContain(KEY).contains("\"api_key_env\":null");
        assertThat(track(Providers.azureOpenAi("my-res", "d", "2024-10-21").build()).baseUrl())
                .isEqualTo("https://my-res.openai.azure.com/openai/deployments/d");
        assertThat(track(Providers.azureOpenAi("my-res", "d", "v").build()).describe().backend().apiKeyEnv())
                .isEqualTo("AZURE_OPENAI_API_KEY");
        assertThatThrownBy(() -> Providers.azureOpenAi("r", " ", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deployment");
    }

    @Test
    void mistralPresetNeverSendsStreamOptions() {
        OpenAiCompatClient c = track(Providers.mistral().baseUrl(wm.baseUrl() + "/v1").defaultModel("mistral-small")
                .build());
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(sse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}")
                        + "data: [DONE]\n\n")));
        c.stream(ChatRequest.builder().user("Hi").includeUsage(true).build()).collectList().block(Duration.ofSeconds(5));
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"model":"mistral-small","messages":[{"role":"user","content":"Hi"}],"stream":true}""")));
    }
}
