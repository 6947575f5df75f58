package dev.fluxllm.routing;

import dev.fluxllm.support.WireMockSupport;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.BackendHealth;
import dev.fluxllm.BadRequestException;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.ModelInfo;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.ServerException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** Routing decisions, failover for whole and streamed calls, models and health across backends. */
class RouterTest extends WireMockSupport {

    static final String OK_A = completion("from a");
    static final String OK_B = completion("from b");

    static String completion(String text) {
        return "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + text + "\"},\"finish_reason\":\"stop\"}]}";
    }

    OpenAiCompatClient backend(String name, String defaultModel, String... patterns) {
        return track(OpenAiCompatClient.builder().name(name).baseUrl(wm.baseUrl() + "/" + name + "/v1")
                .defaultModel(defaultModel).modelPatterns(patterns).retryPolicy(RetryPolicy.none()).build());
    }

    LlmRouter router(boolean failover) {
        return LlmRouter.builder()
                .backend(backend("a", "qwen2.5-7b", "qwen*"))
                .backend(backend("b", "llama3-8b", "llama*", "qwen2.5-7b"))
                .backend("c", backend("c", null, "gpt-?o"))
                .failover(failover)
                .build();
    }

    static ChatRequest request(String model) {
        return ChatRequest.builder().model(model).user("Hi").build();
    }

    @Test
    void routeDecisionsFollowRequestContextPatternsThenDefault() {
        LlmRouter router = router(false);
        assertThat(router.route(request("qwen3-32b"))).isEqualTo("a");
        assertThat(router.route(request("llama3-70b"))).isEqualTo("b");
        assertThat(router.route(request("gpt-4o"))).isEqualTo("c");
        assertThat(router.route(request("mistral-large"))).isEqualTo("a");
        assertThat(router.route(ChatRequest.builder().user("x").build())).isEqualTo("a");
        assertThat(router.route(request("qwen3-32b").toBuilder().backend("b").build())).isEqualTo("b");
        assertThat(router.route(request("qwen3-32b"), Context.of(LlmRouter.BACKEND_KEY, "c"))).isEqualTo("c");
        // The request's own backend wins over the Context.
        assertThat(router.route(request("x").toBuilder().backend("b").build(), Context.of(LlmRouter.BACKEND_KEY, "c")))
                .isEqualTo("b");
        assertThatThrownBy(() -> router.route(request("x").toBuilder().backend("nope").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("[a, b, c]");
        LlmRouter withDefault = LlmRouter.builder().backend(backend("x", null)).backend(backend("y", null))
                .defaultBackend("y").build();
        assertThat(withDefault.route(request("anything"))).isEqualTo("y");
        assertThatThrownBy(() -> LlmRouter.builder().build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlmRouter.builder().backend(backend("z", null)).defaultBackend("q").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q");
    }

    @Test
    void generateGoesToTheRoutedBackendAndContextKeyRoutes() {
        wm.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(OK_A)));
        wm.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(OK_B)));
        LlmRouter router = router(false);
        assertThat(router.generate(request("llama3-8b")).block(Duration.ofSeconds(5)).text()).isEqualTo("from b");
        assertThat(router.generate(request("qwen2.5-7b")).block(Duration.ofSeconds(5)).text()).isEqualTo("from a");
        assertThat(router.generate(ChatRequest.builder().user("Hi").build())
                .contextWrite(Context.of(LlmRouter.BACKEND_KEY, "b")).block(Duration.ofSeconds(5)).text())
                .isEqualTo("from b");
        // No model on the request: the chosen backend's default model is sent.
        wm.verify(postRequestedFor(urlEqualTo("/b/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"llama3-8b\"}", true, true)));
    }

    @Test
    void generateFailsOverOnRetryableErrorToNextBackendServingTheModel() {
        wm.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(503).withBody("{\"error\":\"busy\"}")));
        wm.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(OK_B)));
        assertThat(router(true).generate(request("qwen2.5-7b")).block(Duration.ofSeconds(5)).text()).isEqualTo("from b");
        wm.verify(1, postRequestedFor(urlEqualTo("/a/v1/chat/completions")));
        wm.verify(1, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void generateDoesNotFailOverWhenOffPinnedNotRetryableOrNoOtherBackendServes() {
        wm.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(503).withBody("{\"error\":\"busy\"}")));
        wm.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(OK_B)));
        StepVerifier.create(router(false).generate(request("qwen2.5-7b")))
                .expectError(ServerException.class).verify(Duration.ofSeconds(5));
        StepVerifier.create(router(true).generate(request("qwen2.5-7b").toBuilder().backend("a").build()))
                .expectError(ServerException.class).verify(Duration.ofSeconds(5));
        // Only "a" serves qwen3: nothing to fail over to.
        StepVerifier.create(router(true).generate(request("qwen3-8b")))
                .expectError(ServerException.class).verify(Duration.ofSeconds(5));
        wm.verify(0, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));

        wm.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad\"}")));
        StepVerifier.create(router(true).generate(request("qwen2.5-7b")))
                .expectError(BadRequestException.class).verify(Duration.ofSeconds(5));
        wm.verify(0, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void streamFailsOverBeforeTheFirstChunkOnly() {
        wm.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(429).withBody("{\"error\":\"slow down\"}")));
        wm.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(sse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b!\"},\"finish_reason\":\"stop\"}]}")
                        + "data: [DONE]\n\n")));
        StepVerifier.create(router(true).stream(request("qwen2.5-7b")).map(ChatChunk::text))
                .expectNext("b!").verifyComplete();

        // A stream cut off after its first chunk reached the subscriber is not replayed elsewhere.
        wm.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(sse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a...\"}}]}"))));
        StepVerifier.create(router(true).stream(request("qwen2.5-7b")).map(ChatChunk::text))
                .expectNext("a...")
                .expectError(MalformedResponseException.class)
                .verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void modelsConcatenatesBackendsInOrder() {
        wm.stubFor(get("/a/v1/models").willReturn(aResponse().withStatus(200).withBody("{\"data\":[{\"id\":\"qwen\"}]}")));
        wm.stubFor(get("/b/v1/models").willReturn(aResponse().withStatus(200).withBody("{\"data\":[{\"id\":\"llama\"}]}")));
        LlmRouter router = LlmRouter.builder().backend(backend("a", null)).backend(backend("b", null)).build();
        assertThat(router.models().block(Duration.ofSeconds(5))).extracting(ModelInfo::id).containsExactly("qwen", "llama");
        assertThat(router.models("b").block(Duration.ofSeconds(5))).extracting(ModelInfo::id).containsExactly("llama");
    }

    @Test
    void healthReportsEachBackend() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        wm.stubFor(get("/ok/v1/models").willReturn(aResponse().withStatus(200).withBody("{\"data\":[]}")));
        wm.stubFor(get("/auth/v1/models").willReturn(aResponse().withStatus(401)));
        wm.stubFor(get("/forbidden/v1/models").willReturn(aResponse().withStatus(403)));
        wm.stubFor(get("/broken/v1/models").willReturn(aResponse().withStatus(500)));
        LlmRouter router = LlmRouter.builder()
                .backend(backend("ok", null)).backend(backend("auth", null)).backend(backend("forbidden", null))
                .backend(backend("broken", null))
                .backend("down", track(OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:" + closedPort + "/v1")
                        .build()))
                .build();

        Map<String, BackendHealth> health = router.health().block(Duration.ofSeconds(10));

        assertThat(health).containsOnlyKeys("ok", "auth", "forbidden", "broken", "down");
        assertThat(List.copyOf(health.keySet())).containsExactly("ok", "auth", "forbidden", "broken", "down");
        assertThat(health.get("ok")).extracting(BackendHealth::reachable, BackendHealth::status, BackendHealth::error)
                .containsExactly(true, 200, null);
        assertThat(health.get("auth").reachable()).isTrue();
        assertThat(health.get("forbidden").reachable()).isTrue();
        assertThat(health.get("broken")).extracting(BackendHealth::reachable, BackendHealth::status)
                .containsExactly(false, 500);
        assertThat(health.get("down")).extracting(BackendHealth::reachable, BackendHealth::status)
                .containsExactly(false, 0);
        assertThat(health.get("down").error()).isNotBlank();
        assertThat(health.get("down").backend()).isEqualTo("down");
        // One probe each, no retries.
        wm.verify(1, getRequestedFor(urlEqualTo("/broken/v1/models")));
    }

    @Test
    void healthOfAServerThatNeverAnswersTimesOut() throws IOException {
        // A bound socket that never accepts: the kernel completes the handshake, nobody answers.
        try (ServerSocket silent = new ServerSocket(0, 8)) {
            OpenAiCompatClient client = track(OpenAiCompatClient.builder().name("silent")
                    .baseUrl("http://127.0.0.1:" + silent.getLocalPort() + "/v1").build());
            BackendHealth h = client.health(Duration.ofMillis(500)).block(Duration.ofSeconds(10));
            assertThat(h).extracting(BackendHealth::backend, BackendHealth::reachable, BackendHealth::status, BackendHealth::error)
                    .containsExactly("silent", false, 0, "No answer within PT0.5S");
            assertThat(h.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            assertThatThrownBy(() -> LlmRouter.builder().backend(client).healthTimeout(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("healthTimeout");
        }
    }
}
