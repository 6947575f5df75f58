package dev.fluxllm;

import dev.fluxllm.support.WireMockSupport;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** Embeddings, score, legacy completions and the generic post/streamEvents, through auth and retry. */
class EndpointsTest extends WireMockSupport {

    OpenAiCompatClient client() {
        return track(OpenAiCompatClient.builder()
                .baseUrl(wm.baseUrl() + "/v1")
                .apiKey(KEY)
                .defaultModel("m")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(5)).build())
                .build());
    }

    static void stubJson(String path, String body) {
        wm.stubFor(post(path).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    static void stubSse(String path, String body) {
        wm.stubFor(post(path).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body)));
    }

    static String base64(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    @Test
    void embedFloatSingleInput() {
        stubJson("/v1/embeddings", """
                {"object":"list","model":"bge","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25,3]}],
                 "usage":{"prompt_tokens":3,"total_tokens":3}}""");
        EmbeddingResponse r = client().embed(EmbeddingRequest.builder().model("bge").input("hello").build())
                .block(Duration.ofSeconds(5));
        assertThat(r.model()).isEqualTo("bge");
        assertThat(r.first()).containsExactly(0.5f, -1.25f, 3f);
        assertThat(r.usage()).isEqualTo(new Usage(3, 0, 3));
        wm.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("{\"model\":\"bge\",\"input\":\"hello\"}", false, false)));
    }

    @Test
    void embedBase64ListDecodedToFloatsInIndexOrder() {
        stubJson("/v1/embeddings", """
                {"object":"list","model":"m","data":[
                  {"object":"embedding","index":1,"embedding":"%s"},
                  {"object":"embedding","index":0,"embedding":"%s"}]}""".formatted(base64(2f, 0.25f), base64(1f, -0.5f)));
        EmbeddingResponse r = client().embed(EmbeddingRequest.builder().inputs(List.of("a", "b"))
                .encodingFormat(EmbeddingRequest.BASE64).dimensions(2).build()).block(Duration.ofSeconds(5));
        assertThat(r.vectors()).hasSize(2);
        assertThat(r.data().get(0).index()).isZero();
        assertThat(r.vectors().get(0)).containsExactly(1f, -0.5f);
        assertThat(r.vectors().get(1)).containsExactly(2f, 0.25f);
        assertThat(r.usage()).isNull();
        wm.verify(postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(equalToJson("""
                {"model":"m","input":["a","b"],"encoding_format":"base64","dimensions":2}""")));
    }

    @Test
    void embedRetriedAfter503AndFailsFastWithoutModel() {
        wm.stubFor(post("/v1/embeddings").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"busy\"}}"))
                .willSetStateTo("ok"));
        wm.stubFor(post("/v1/embeddings").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"data\":[{\"index\":0,\"embedding\":[1]}]}")));
        assertThat(client().embed(EmbeddingRequest.builder().input("x").build()).block(Duration.ofSeconds(5)).first())
                .containsExactly(1f);
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/embeddings")));

        OpenAiCompatClient noModel = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").build());
        StepVerifier.create(noModel.embed(EmbeddingRequest.builder().input("x").build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void embedBadRequestIsTyped() {
        wm.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"input too long\",\"type\":\"BadRequestError\"}}")));
        StepVerifier.create(client().embed(EmbeddingRequest.builder().input("x").build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BadRequestException.class)
                        .hasMessageContaining("input too long"))
                .verify(Duration.ofSeconds(5));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings")));
    }

    @Test
    void scoreTextSendsSglangFieldsAndParsesScores() {
        stubJson("/v1/score", """
                {"scores":[[0.9,0.1],[0.2,0.8]],"model":"qwen","usage":{"prompt_tokens":20,"completion_tokens":0,"total_tokens":20},
                 "object":"scoring"}""");
        ScoreResponse r = client().score(ScoreRequest.builder().model("qwen").query("Is it positive? ")
                .items(List.of("Great!", "Awful.")).labelTokenIds(9454, 2753).applySoftmax(true).itemFirst(false)
                .build()).block(Duration.ofSeconds(5));
        assertThat(r.scores()).containsExactly(List.of(0.9, 0.1), List.of(0.2, 0.8));
        assertThat(r.model()).isEqualTo("qwen");
        assertThat(r.usage().promptTokens()).isEqualTo(20);
        wm.verify(postRequestedFor(urlEqualTo("/v1/score")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("""
                        {"model":"qwen","query":"Is it positive? ","items":["Great!","Awful."],
                         "label_token_ids":[9454,2753],"apply_softmax":true,"item_first":false}""")));
    }

    @Test
    void scoreTokenIds() {
        stubJson("/v1/score", "{\"scores\":[[0.5]]}");
        ScoreResponse r = client().score(ScoreRequest.builder().queryTokens(List.of(1, 2, 3))
                .itemTokens(List.of(List.of(4, 5))).labelTokenIds(List.of(7)).build()).block(Duration.ofSeconds(5));
        assertThat(r.scores()).containsExactly(List.of(0.5));
        assertThat(r.usage()).isNull();
        wm.verify(postRequestedFor(urlEqualTo("/v1/score")).withRequestBody(equalToJson("""
                {"model":"m","query":[1,2,3],"items":[[4,5]],"label_token_ids":[7]}""")));
    }

    @Test
    void completeSendsPromptAndParsesChoices() {
        stubJson("/v1/completions", """
                {"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"m",
                 "choices":[{"index":0,"text":"    return n","logprobs":null,"finish_reason":"length"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}""");
        CompletionResponse r = client().complete(CompletionRequest.builder().prompt("def fib(n):").maxTokens(4)
                .temperature(0).stop("\n\n").echo(false).extra("top_k", 5).build()).block(Duration.ofSeconds(5));
        assertThat(r.id()).isEqualTo("cmpl-1");
        assertThat(r.text()).isEqualTo("    return n");
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.created()).isEqualTo(1700000000L);
        assertThat(r.usage()).isEqualTo(new Usage(5, 4, 9));
        wm.verify(postRequestedFor(urlEqualTo("/v1/completions")).withRequestBody(equalToJson("""
                {"model":"m","prompt":"def fib(n):","max_tokens":4,"temperature":0.0,"stop":["\\n\\n"],
                 "echo":false,"top_k":5}""")));
    }

    @Test
    void streamCompletionReusesSseDecodingAndAsksForUsage() {
        stubSse("/v1/completions", ": keep-alive\n\n" + sse(
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\"Hel\",\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\"lo\",\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":2,\"total_tokens\":4}}")
                + "data: [DONE]\n\n");
        List<CompletionChunk> chunks = client().streamCompletion(CompletionRequest.builder().prompt("Say hello")
                .includeUsage(true).build()).collectList().block(Duration.ofSeconds(5));
        assertThat(chunks).extracting(CompletionChunk::text).containsExactly("Hel", "lo", "");
        assertThat(chunks.get(1).finishReason()).isEqualTo("stop");
        assertThat(chunks.get(2).usage()).isEqualTo(new Usage(2, 2, 4));
        wm.verify(postRequestedFor(urlEqualTo("/v1/completions"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("""
                        {"model":"m","prompt":"Say hello","stream":true,"stream_options":{"include_usage":true}}""")));
    }

    @Test
    void streamCompletionErrorEventAndCutOff() {
        stubSse("/v1/completions", sse("{\"choices\":[{\"index\":0,\"text\":\"a\"}]}",
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        StepVerifier.create(client().streamCompletion(CompletionRequest.builder().prompt("p").build()))
                .expectNextMatches(c -> c.text().equals("a"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class).hasMessageContaining("boom"))
                .verify(Duration.ofSeconds(5));

        wm.resetAll();
        stubSse("/v1/completions", sse("{\"choices\":[{\"index\":0,\"text\":\"a\"}]}"));
        StepVerifier.create(client().streamCompletion(CompletionRequest.builder().prompt("p").build()))
                .expectNextCount(1)
                .expectError(MalformedResponseException.class)
                .verify(Duration.ofSeconds(5));

        wm.resetAll();
        stubSse("/v1/completions", sse("{\"choices\":[{\"index\":0,\"text\":\"a\",\"finish_reason\":\"stop\"}]}"));
        StepVerifier.create(client().streamCompletion(CompletionRequest.builder().prompt("p").build()))
                .expectNextCount(1)
                .verifyComplete();
    }

    record Tokenized(List<Integer> tokens, int count) {
    }

    @Test
    void postMapsAnyEndpointThroughAuthAndRetry() {
        wm.stubFor(post("/v1/tokenize").inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("retry-after-ms", "1"))
                .willSetStateTo("ok"));
        wm.stubFor(post("/v1/tokenize").inScenario("t").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"tokens\":[1,2],\"count\":2,\"max_model_len\":4096}")));
        Tokenized t = client().post("/tokenize", Map.of("model", "m", "prompt", "hi"), Tokenized.class)
                .block(Duration.ofSeconds(5));
        assertThat(t).isEqualTo(new Tokenized(List.of(1, 2), 2));
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/tokenize")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("{\"model\":\"m\",\"prompt\":\"hi\"}")));

        stubJson("/v1/detokenize", "{\"prompt\":\"hi\"}");
        JsonNode node = client().post("/detokenize", "{\"tokens\":[1,2]}", JsonNode.class).block(Duration.ofSeconds(5));
        assertThat(node.get("prompt").asString()).isEqualTo("hi");
        String raw = client().post("/detokenize", null, String.class).block(Duration.ofSeconds(5));
        assertThat(raw).isEqualTo("{\"prompt\":\"hi\"}");
        wm.verify(postRequestedFor(urlEqualTo("/v1/detokenize")).withRequestBody(equalToJson("{\"tokens\":[1,2]}")));
    }

    @Test
    void postRefusesBadPathsBeforeAnyCall() {
        StepVerifier.create(client().post("tokenize", Map.of(), String.class))
                .expectError(IllegalArgumentException.class).verify(Duration.ofSeconds(5));
        StepVerifier.create(client().streamEvents("/a b", Map.of()))
                .expectError(IllegalArgumentException.class).verify(Duration.ofSeconds(5));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void streamEventsEmitsRawEventsUntilDone() {
        stubSse("/v1/responses", "event: response.created\ndata: {\"id\":\"r1\"}\n\n"
                + ": comment\n\n"
                + "id: 7\nevent: response.output_text.delta\ndata: {\"delta\":\"Hi\"}\n\n"
                + "data: line1\ndata: line2\n\n"
                + "data: [DONE]\n\n"
                + "data: after\n\n");
        List<ServerSentEvent> events = client().streamEvents("/responses", Map.of("model", "m", "input", "hi"))
                .collectList().block(Duration.ofSeconds(5));
        assertThat(events).containsExactly(
                new ServerSentEvent("response.created", "{\"id\":\"r1\"}", ""),
                new ServerSentEvent("response.output_text.delta", "{\"delta\":\"Hi\"}", "7"),
                new ServerSentEvent("message", "line1\nline2", "7"));
        wm.verify(postRequestedFor(urlEqualTo("/v1/responses")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("{\"model\":\"m\",\"input\":\"hi\"}")));

        wm.resetAll();
        stubSse("/v1/events", "event: ping\ndata: 1\n\n");
        StepVerifier.create(client().streamEvents("/events", null))
                .expectNext(new ServerSentEvent("ping", "1", ""))
                .verifyComplete();
    }
}
