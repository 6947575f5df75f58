package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.fluxllm.support.WireMockServerSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Sends non-streaming completions to WireMock and checks the exact wire request and the parsed response. */
class GenerateTest extends WireMockServerSupport {

    static final String KEY = "sk-test-secret-0123456789";
    static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"qwen2.5-1.5b",
             "system_fingerprint":"fp_x","service_tier":"default",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there","refusal":null,
               "reasoning_content":"think"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
               "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":1}}}
            """;

    OpenAiCompatClient client;


    @AfterEach
    void reset() {
        if (client != null) {
            dev.fluxllm.support.Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
            client.close();
        }
        wm.resetAll();
    }

    OpenAiCompatClient client() {
        client = OpenAiCompatClient.builder()
                .baseUrl(wm.baseUrl() + "/v1/")
                .apiKey(KEY)
                .defaultModel("qwen2.5-1.5b")
                .header("HTTP-Referer", "https://example.org")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(5)).build())
                .build();
        return client;
    }

    @Test
    void generateSuccessSendsExactRequestAndParsesResponse() {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(COMPLETION)));

        ChatRequest request = ChatRequest.builder()
                .system("Be brief.")
                .user("Hi")
                .temperature(0.2)
                .maxTokens(64)
                .extra("top_k", 20)
                .extra("chat_template_kwargs", Map.of("enable_thinking", false))
                .build();
        ChatResponse response = client().generate(request).block(Duration.ofSeconds(5));

        assertThat(response.id()).isEqualTo("chatcmpl-1");
        assertThat(response.model()).isEqualTo("qwen2.5-1.5b");
        assertThat(response.text()).isEqualTo("Hello there");
        assertThat(response.reasoning()).isEqualTo("think");
        assertThat(response.finishReason()).isEqualTo("stop");
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.usage().promptTokens()).isEqualTo(9);
        assertThat(response.usage().completionTokens()).isEqualTo(2);
        assertThat(response.usage().totalTokens()).isEqualTo(11);
        assertThat(response.usage().cachedTokens()).isEqualTo(4);
        assertThat(response.usage().reasoningTokens()).isEqualTo(1);

        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("HTTP-Referer", equalTo("https://example.org"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"model":"qwen2.5-1.5b",
                         "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
                         "temperature":0.2,"max_tokens":64,"top_k":20,
                         "chat_template_kwargs":{"enable_thinking":false}}""")));
    }

    @Test
    void generateSendsToolsPartsAndResponseFormat() {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody("""
                {"id":"c2","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,
                 "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                               {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
                 "finish_reason":"tool_calls"}]}""")));

        ChatRequest request = ChatRequest.builder()
                .model("gpt-x")
                .message(ChatMessage.user(List.of(ContentPart.text("What is this?"),
                        ContentPart.imageUrl("https://example.org/cat.png", "low"))))
                .message(ChatMessage.assistant(null, List.of(new ToolCall("call_0", "lookup", "{\"q\":1}"))))
                .message(ChatMessage.toolResult("call_0", "42"))
                .tool(Tool.function("get_weather", "Weather for a city",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                .toolChoice("auto")
                .responseFormat(ResponseFormat.jsonObject())
                .stop("END")
                .seed(7)
                .n(1)
                .topP(0.9)
                .build();
        ChatResponse response = client().generate(request).block(Duration.ofSeconds(5));

        assertThat(response.toolCalls()).extracting(ToolCall::id, ToolCall::name, ToolCall::arguments)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        org.assertj.core.groups.Tuple.tuple("call_2", "get_time", ""));
        assertThat(response.toolCalls().get(0).parsedArguments()).containsEntry("city", "Paris");
        assertThat(response.toolCalls().get(1).parsedArguments()).isEmpty();
        assertThat(response.hasMalformedToolCalls()).isFalse();
        assertThat(response.text()).isEmpty();
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"model":"gpt-x","messages":[
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                    {"type":"image_url","image_url":{"url":"https://example.org/cat.png","detail":"low"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_0","type":"function",
                    "function":{"name":"lookup","arguments":"{\\"q\\":1}"}}]},
                  {"role":"tool","content":"42","tool_call_id":"call_0"}],
                 "top_p":0.9,"stop":["END"],"seed":7,"n":1,
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":"auto","response_format":{"type":"json_object"}}""")));
    }

    @Test
    void generateWithoutModelFailsBeforeAnyNetworkCall() {
        OpenAiCompatClient noDefault = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").build();
        try {
            StepVerifier.create(noDefault.generate(ChatRequest.builder().user("hi").build()))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("model"))
                    .verify(Duration.ofSeconds(5));
            StepVerifier.create(client().generate(ChatRequest.builder().build()))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("messages"))
                    .verify(Duration.ofSeconds(5));
        } finally {
            noDefault.close();
        }
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void modelsListsServerModels() {
        wm.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200).withBody("""
                {"object":"list","data":[{"id":"qwen2.5-1.5b","object":"model","created":1700000000,"owned_by":"vllm"},
                  {"id":"llama3","object":"model"}]}""")));
        List<ModelInfo> models = client().models().block(Duration.ofSeconds(5));
        assertThat(models).containsExactly(new ModelInfo("qwen2.5-1.5b", "vllm", 1700000000L),
                new ModelInfo("llama3", "", 0));
    }

    @Test
    void toStringShowsConfigButNeverTheKey() {
        String text = client().toString();
        assertThat(text).contains(wm.baseUrl() + "/v1").contains("qwen2.5-1.5b").doesNotContain(KEY);
    }

    @Test
    void retriedScenarioSucceedsAfter503() {
        wm.stubFor(post("/v1/chat/completions").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"busy\"}}"))
                .willSetStateTo("ok"));
        wm.stubFor(post("/v1/chat/completions").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(COMPLETION)));
        ChatResponse response = client().generate(ChatRequest.builder().user("Hi").build()).block(Duration.ofSeconds(5));
        assertThat(response.text()).isEqualTo("Hello there");
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }
}
