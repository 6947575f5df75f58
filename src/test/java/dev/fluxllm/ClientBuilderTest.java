package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.WireMockServerSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/** Validates the client builder and checks the exact JSON each request option puts on the wire. */
class ClientBuilderTest extends WireMockServerSupport {

    static final String KEY = "sk-builder-SECRET-0123456789";
    static final String COMPLETION = """
            {"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""";
    static final String STREAM = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

    final List<OpenAiCompatClient> clients = new ArrayList<>();


    @BeforeEach
    void stubs() {
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(COMPLETION)));
        wm.stubFor(any(anyUrl()).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.stream"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
        wm.stubFor(any(urlEqualTo("/openai/v1/models")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody("{\"data\":[]}")));
    }

    @AfterEach
    void reset() {
        for (OpenAiCompatClient c : clients) {
            Eventually.await(() -> c.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
            c.close();
        }
        wm.resetAll();
    }

    OpenAiCompatClient track(OpenAiCompatClient c) {
        clients.add(c);
        return c;
    }

    OpenAiCompatClient client() {
        return track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").apiKey(KEY).defaultModel("m")
                .retryPolicy(RetryPolicy.none()).build());
    }

    static void assertIllegal(Runnable r, String... fragments) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    /** Sends the request with {@code generate} and returns the body the server received. */
    String generateBody(ChatRequest request) {
        StepVerifier.create(client().generate(request)).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(5));
        return lastBody();
    }

    String streamBody(ChatRequest request) {
        StepVerifier.create(client().stream(request).then()).expectComplete().verify(Duration.ofSeconds(5));
        return lastBody();
    }

    static String lastBody() {
        List<LoggedRequest> requests = wm.findAll(postRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.get(0).getBodyAsString();
    }

    // --- baseUrl -----------------------------------------------------------------------------

    @Test
    void missingBaseUrlIsRefusedAtBuild() {
        assertIllegal(() -> OpenAiCompatClient.builder().build(), "baseUrl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void blankBaseUrlIsRefused(String url) {
        assertIllegal(() -> OpenAiCompatClient.builder().baseUrl(url), "baseUrl");
    }

    @Test
    void nullBaseUrlIsRefused() {
        assertIllegal(() -> OpenAiCompatClient.builder().baseUrl(null), "baseUrl");
    }

    @Test
    void ftpSchemeSaysWhatIsExpected() {
        assertIllegal(() -> OpenAiCompatClient.builder().baseUrl("ftp://example.org/v1"),
                "baseUrl", "ftp", "expected: http, https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:8000/v1", "127.0.0.1:8000", "//example.org/v1", "/v1", "http://exa mple.org/v1",
            "http:///v1", "http://", "http://example.org/v1?x=1", "http://example.org/v1#frag", "file:///etc/passwd"})
    void invalidBaseUrlsAreRefused(String url) {
        assertIllegal(() -> OpenAiCompatClient.builder().baseUrl(url), "baseUrl");
    }

    @Test
    void trailingSlashIsToleratedAndPathKept() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1/").defaultModel("m").build());
        assertThat(c.baseUrl()).isEqualTo(wm.baseUrl() + "/v1");
        StepVerifier.create(c.generate(ChatRequest.builder().user("hi").build())).expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void pathPrefixIsKept() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(" " + wm.baseUrl() + "/openai/v1// ")
                .defaultModel("m").build());
        assertThat(c.baseUrl()).isEqualTo(wm.baseUrl() + "/openai/v1");
        StepVerifier.create(c.generate(ChatRequest.builder().user("hi").build())).expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        StepVerifier.create(c.models()).expectNext(List.of()).expectComplete().verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions")));
        wm.verify(1, getRequestedFor(urlEqualTo("/openai/v1/models")));
    }

    @Test
    void baseUrlWithoutPath() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl()).defaultModel("m").build());
        StepVerifier.create(c.generate(ChatRequest.builder().user("hi").build())).expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/chat/completions")));
    }

    @Test
    void uppercaseSchemeIsAccepted() {
        OpenAiCompatClient.Builder b = OpenAiCompatClient.builder().baseUrl("HTTPS://api.example.org/v1");
        track(b.build());
    }

    // --- headers and key ---------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"X-Bad\r\nInjected: 1", "X-Bad\n", "X-Bad\r", "X Bad", "X:Bad", "", " "})
    void headerNamesWithControlCharactersOrSeparatorsAreRefused(String name) {
        assertIllegal(() -> OpenAiCompatClient.builder().header(name, "v"), "header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v\r\nX-Injected: 1", "v\n", "\rv"})
    void headerValuesWithCrOrLfAreRefused(String value) {
        assertThatThrownBy(() -> OpenAiCompatClient.builder().header("X-Ok", value))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-Ok")
                .hasMessageContaining("CR or LF").hasMessageNotContaining("Injected");
    }

    @Test
    void apiKeyWithLineBreakIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> OpenAiCompatClient.builder().apiKey(KEY + "\r\nX-Injected: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKey")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void apiKeyIsSentAsBearerWithHeaders() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").apiKey(KEY)
                .header("HTTP-Referer", "https://example.org").header("X-Title", "tests").defaultModel("m").build());
        StepVerifier.create(c.generate(ChatRequest.builder().user("hi").build())).expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("HTTP-Referer", equalTo("https://example.org"))
                .withHeader("X-Title", equalTo("tests"))
                .withHeader("Accept", equalTo("application/json")));
    }

    @Test
    void apiKeyFromUnsetVariableSendsNoAuthorization() {
        String variable = "FLUXLLM_TEST_SURELY_UNSET_" + System.nanoTime();
        assertThat(System.getenv(variable)).isNull();
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1")
                .apiKeyFromEnv(variable).defaultModel("m").build());
        assertThat(c.apiKeyEnv()).isEqualTo(variable);
        assertThat(c.toString()).contains("apiKey=(none)");
        StepVerifier.create(c.generate(ChatRequest.builder().user("hi").build())).expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")).withoutHeader("Authorization"));
    }

    @Test
    void emptyApiKeySendsNoAuthorization() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").apiKey("")
                .defaultModel("m").build());
        StepVerifier.create(c.generate(ChatRequest.builder().user("hi").build())).expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")).withoutHeader("Authorization"));
    }

    @Test
    void blankApiKeyVariableNameIsRefused() {
        assertIllegal(() -> OpenAiCompatClient.builder().apiKeyFromEnv(" "), "apiKeyFromEnv");
    }

    @Test
    void toStringNeverShowsKeyOrHeaderValues() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").apiKey(KEY)
                .header("api-key", "azure-SECRET-value").defaultModel("m").build());
        assertThat(c.toString()).doesNotContain(KEY).doesNotContain("SECRET").contains("apiKey=(set)")
                .contains("api-key");
        assertThat(c.retryPolicy().toString()).doesNotContain(KEY);
    }

    // --- other builder values ----------------------------------------------------------------

    @Test
    void nonPositiveTimeoutsAreRefusedNamingTheField() {
        assertIllegal(() -> OpenAiCompatClient.builder().connectTimeout(Duration.ZERO), "connectTimeout");
        assertIllegal(() -> OpenAiCompatClient.builder().responseTimeout(Duration.ofSeconds(-1)), "responseTimeout");
        assertIllegal(() -> OpenAiCompatClient.builder().streamIdleTimeout(null), "streamIdleTimeout");
        assertIllegal(() -> OpenAiCompatClient.builder().pendingAcquireTimeout(Duration.ZERO), "pendingAcquireTimeout");
        assertIllegal(() -> OpenAiCompatClient.builder().maxEventBytes(10), "maxEventBytes");
        assertIllegal(() -> OpenAiCompatClient.builder().maxResponseBytes(0), "maxResponseBytes");
        assertIllegal(() -> OpenAiCompatClient.builder().maxConnections(0), "maxConnections");
        assertIllegal(() -> OpenAiCompatClient.builder().defaultModel(" "), "defaultModel");
        assertIllegal(() -> OpenAiCompatClient.builder().name(""), "name");
    }

    // --- bad requests fail before the network -----------------------------------------------

    @Test
    void noModelAnywhereFailsBeforeAnyNetworkCall() {
        OpenAiCompatClient c = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").build());
        ChatRequest request = ChatRequest.builder().user("hi").build();
        StepVerifier.create(c.generate(request))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(c.stream(request))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model"))
                .verify(Duration.ofSeconds(5));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void emptyMessagesFailBeforeAnyNetworkCall() {
        ChatRequest request = ChatRequest.builder().model("m").build();
        StepVerifier.create(client().generate(request))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(client().stream(request))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages"))
                .verify(Duration.ofSeconds(5));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void nothingIsSentBeforeSubscription() {
        client().generate(ChatRequest.builder().user("hi").build());
        client().models();
        client().stream(ChatRequest.builder().user("hi").build());
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void requestModelWinsOverDefault() {
        assertThat(generateBody(ChatRequest.builder().model("other").user("hi").build()))
                .contains("\"model\":\"other\"");
    }

    // --- request JSON ------------------------------------------------------------------------

    @Test
    void maxCompletionTokensSendsItsOwnField() {
        String body = generateBody(ChatRequest.builder().user("hi").maxCompletionTokens(77).build());
        assertThat(body).contains("\"max_completion_tokens\":77").doesNotContain("\"max_tokens\"");
        assertThat(generateBodyAgain(ChatRequest.builder().user("hi").maxTokens(5).build()))
                .contains("\"max_tokens\":5").doesNotContain("max_completion_tokens");
    }

    String generateBodyAgain(ChatRequest request) {
        wm.resetRequests();
        return generateBody(request);
    }

    @Test
    void toolChoiceFunctionSendsTheNamedFunction() {
        String body = generateBody(ChatRequest.builder().user("hi")
                .tool(Tool.function("get_weather", "Weather", WEATHER))
                .toolChoiceFunction("get_weather").parallelToolCalls(false).build());
        assertThat(body).isEqualTo(compact("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":%s}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                 "parallel_tool_calls":false}""".formatted(WEATHER)));
    }

    @Test
    void toolChoiceFunctionMustNameATool() {
        assertIllegal(() -> ChatRequest.builder().user("hi").toolChoiceFunction("nope").build(), "toolChoiceFunction", "nope");
    }

    @Test
    void responseFormatJsonSchema() {
        String schema = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"]}";
        String body = generateBody(ChatRequest.builder().user("hi")
                .responseFormat(ResponseFormat.jsonSchema("answer", schema, true)).build());
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":%s,"strict":true}}}"""
                .formatted(schema))));
        assertThat(body).contains("\"schema\":" + schema);
    }

    @Test
    void responseFormatJsonSchemaIsValidated() {
        assertIllegal(() -> ResponseFormat.jsonSchema("x", "[1]", false), "json_schema", "x");
        assertIllegal(() -> ResponseFormat.jsonSchema(" ", "{}", false), "name");
    }

    @Test
    void includeUsageIsNotSentWithGenerate() {
        String body = generateBody(ChatRequest.builder().user("hi").includeUsage(true).build());
        assertThat(body).doesNotContain("stream_options").doesNotContain("\"stream\"");
    }

    @Test
    void includeUsageIsSentWithStream() {
        String body = streamBody(ChatRequest.builder().user("hi").includeUsage(true).build());
        assertThat(body).contains("\"stream\":true").contains("\"stream_options\":{\"include_usage\":true}");
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Accept", equalTo("text/event-stream")));
    }

    @Test
    void streamWithoutIncludeUsageSendsNoStreamOptions() {
        assertThat(streamBody(ChatRequest.builder().user("hi").build())).contains("\"stream\":true")
                .doesNotContain("stream_options");
    }

    @Test
    void extraOverridesTypedFieldOnce() {
        String body = generateBody(ChatRequest.builder().user("hi").temperature(0.2).extra("temperature", 0.9)
                .maxTokens(10).extra("max_tokens", 20).build());
        assertThat(body).containsOnlyOnce("\"temperature\"").contains("\"temperature\":0.9")
                .containsOnlyOnce("\"max_tokens\"").contains("\"max_tokens\":20");
    }

    @Test
    void extraToolChoiceOverridesButKeepsOtherToolFields() {
        String body = generateBody(ChatRequest.builder().user("hi")
                .tool(Tool.function("get_weather", "Weather", WEATHER))
                .toolChoice("auto").parallelToolCalls(false)
                .extra("tool_choice", Map.of("type", "function", "function", Map.of("name", "get_weather")))
                .build());
        assertThat(body).containsOnlyOnce("\"tool_choice\"").doesNotContain("\"tool_choice\":\"auto\"")
                .contains("\"parallel_tool_calls\":false").contains("\"tools\"");
    }

    @Test
    void extraCannotReplaceModelMessagesOrStream() {
        String body = generateBody(ChatRequest.builder().user("hi").extra("model", "evil").extra("stream", true)
                .extra("messages", List.of()).build());
        assertThat(body).containsOnlyOnce("\"model\"").contains("\"model\":\"m\"")
                .doesNotContain("\"stream\"").contains("\"content\":\"hi\"");
    }

    record Provider(List<String> order, boolean allowFallbacks) {
    }

    @Test
    void nestedExtraValuesSerialize() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("enable_thinking", false);
        nested.put("levels", List.of(1, 2.5, "three", Map.of("deep", List.of(true))));
        String body = generateBody(ChatRequest.builder().user("hi")
                .extra("chat_template_kwargs", nested)
                .extra("provider", new Provider(List.of("groq", "together"), true))
                .extra("logit_bias", Map.of("50256", -100))
                .extra("stop_token_ids", new int[] {1, 2})
                .build());
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "chat_template_kwargs":{"enable_thinking":false,"levels":[1,2.5,"three",{"deep":[true]}]},
                 "provider":{"order":["groq","together"],"allowFallbacks":true},
                 "logit_bias":{"50256":-100},
                 "stop_token_ids":[1,2]}""")));
        assertThat(body).startsWith("{\"model\":\"m\"");
    }

    @Test
    void plainTextContentIsAJsonString() {
        String body = generateBody(ChatRequest.builder().system("s").user("line1\nline2 \"quoted\" \u00e9").build());
        assertThat(body).contains("{\"role\":\"user\",\"content\":\"line1\\nline2 \\\"quoted\\\" \u00e9\"}");
    }

    static String compact(String json) {
        return json.replaceAll("\\n\\s*", "");
    }
}
