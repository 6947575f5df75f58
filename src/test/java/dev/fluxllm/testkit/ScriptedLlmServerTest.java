package dev.fluxllm.testkit;

import static dev.fluxllm.testkit.TestHttp.chatRequest;
import static dev.fluxllm.testkit.TestHttp.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.support.Eventually;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.PrematureCloseException;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

class ScriptedLlmServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ScriptedLlmServer server;
    private String chatUrl;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @BeforeEach
    void startServer() {
        server = ScriptedLlmServer.start();
        chatUrl = server.baseUrl() + "/chat/completions";
    }

    @AfterEach
    void nothingLeftOpen() {
        try {
            assertThat(server.pendingReplies()).as("unused scripted replies").isZero();
        } finally {
            server.close();
        }
    }

    private List<JsonNode> chunks(String request) {
        List<String> data = TestHttp.data(chatUrl, request).collectList().block(TIMEOUT);
        assertThat(data).last().isEqualTo("[DONE]");
        return data.subList(0, data.size() - 1).stream().map(TestHttp::parse).toList();
    }

    private static String contentOf(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("choices").path(0).path("delta").path("content").asString(""))
                .collect(Collectors.joining());
    }

    // ---- default answer ----------------------------------------------------------------------

    @Test
    void echoNonStreaming() {
        TestHttp.Response response = TestHttp.post(chatUrl, chatRequest("Hello there", false)).block(TIMEOUT);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("content-type")).isEqualTo("application/json");
        assertThat(response.headers().get("x-request-id")).isEqualTo("req_1");
        JsonNode body = response.json();
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("model").asString()).isEqualTo("test-model");
        assertThat(body.path("id").asString()).isEqualTo("chatcmpl-scripted-1");
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asString())
                .isEqualTo("You said: Hello there. This is a scripted answer from ScriptedLlmServer.");
        assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(4);
        assertThat(body.path("usage").path("completion_tokens").asLong()).isEqualTo(11);
        assertThat(body.path("usage").path("total_tokens").asLong()).isEqualTo(15);
    }

    @Test
    void echoStreamingInWordSizedDeltas() {
        List<JsonNode> chunks = chunks(chatRequest("What is 2+2?", true));

        JsonNode first = chunks.get(0);
        assertThat(first.path("object").asString()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("choices").path(0).path("delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        List<String> deltas = chunks.subList(1, chunks.size() - 1).stream()
                .map(c -> c.path("choices").path(0).path("delta").path("content").asString()).toList();
        assertThat(deltas).startsWith("You", " said:", " What", " is", " 2+2?", " This");
        assertThat(String.join("", deltas)).isEqualTo("You said: What is 2+2? This is a scripted answer from ScriptedLlmServer.");
        JsonNode finish = chunks.get(chunks.size() - 1).path("choices").path(0);
        assertThat(finish.path("delta").toString()).isEqualTo("{}");
        assertThat(finish.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("id").asString()).isEqualTo("chatcmpl-scripted-1");
            assertThat(c.path("model").asString()).isEqualTo("test-model");
            assertThat(c.path("created").isNumber()).isTrue();
            assertThat(c.has("usage")).as("usage key only when include_usage").isFalse();
        });
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").isNull()).isTrue());
    }

    @Test
    void streamWireFormatIsExact() {
        server.enqueue(Reply.text("Hi"));

        TestHttp.Response response = TestHttp.post(chatUrl, "{\"model\":\"m\",\"stream\":true,\"messages\":[]}").block(TIMEOUT);

        assertThat(response.headers().get("content-type")).isEqualTo("text/event-stream");
        String prefix = "{\"id\":\"chatcmpl-scripted-1\",\"object\":\"chat.completion.chunk\",\"created\":";
        assertThat(response.body()).startsWith("data: " + prefix).endsWith("\n\ndata: [DONE]\n\n");
        assertThat(response.body().replaceAll("\"created\":\\d+", "\"created\":0")).isEqualTo(""
                + "data: {\"id\":\"chatcmpl-scripted-1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"chatcmpl-scripted-1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"chatcmpl-scripted-1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n");
    }

    @Test
    void echoWithoutModelUsesFirstConfiguredModel() {
        try (ScriptedLlmServer custom = ScriptedLlmServer.builder().models("alpha", "beta").start()) {
            JsonNode body = TestHttp.post(custom.baseUrl() + "/chat/completions", "{\"messages\":[]}").block(TIMEOUT).json();

            assertThat(body.path("model").asString()).isEqualTo("alpha");
            assertThat(body.path("choices").path(0).path("message").path("content").asString())
                    .isEqualTo("Hello! This is a scripted answer from ScriptedLlmServer.");
        }
    }

    @Test
    void echoRejectsBodyThatIsNotJson() {
        TestHttp.Response response = TestHttp.post(chatUrl, "{not json").block(TIMEOUT);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(server.lastRequest().body()).isEqualTo("{not json");
        assertThat(server.lastRequest().json().isMissingNode()).isTrue();
    }

    // ---- text, pacing, reasoning -------------------------------------------------------------

    @Test
    void textInChunksOfGivenSize() {
        server.enqueue(Reply.text("abcdefghij").chunkSize(4));

        List<JsonNode> chunks = chunks(chatRequest("x", true));

        assertThat(chunks.subList(1, chunks.size() - 1))
                .map(c -> c.path("choices").path(0).path("delta").path("content").asString())
                .containsExactly("abcd", "efgh", "ij");
    }

    @Test
    void delayBetweenChunksWithoutBlocking() {
        server.enqueue(Reply.text("one two three four").delay(Duration.ofMillis(60)));

        // role, 4 words, finish, [DONE]: the first at once, then 6 gaps of 60 ms. Reads on the client
        // side can bunch up a little, so each gap is checked loosely and the sum tightly.
        List<Long> gaps = new ArrayList<>();
        StepVerifier.create(TestHttp.data(chatUrl, chatRequest("x", true)).elapsed().skip(1).map(t -> t.getT1()))
                .recordWith(() -> gaps)
                .thenConsumeWhile(gap -> true)
                .expectComplete()
                .verify(TIMEOUT);

        // Under load reads bunch up, so single gaps prove little; the whole span proves the pacing.
        assertThat(gaps).hasSize(6).allSatisfy(gap -> assertThat(gap).isBetween(0L, 1000L));
        assertThat(gaps.stream().mapToLong(Long::longValue).sum()).isBetween(5 * 60L, 3000L);
    }

    @Test
    void wholeDelayedStreamTakesTheScriptedTime() {
        server.enqueue(Reply.text("a b c d e").delay(Duration.ofMillis(40)));
        long start = System.nanoTime();

        StepVerifier.create(TestHttp.data(chatUrl, chatRequest("x", true)))
                .expectNextCount(8)
                .expectComplete()
                .verify(TIMEOUT);

        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMillis).isBetween(7 * 40L - 10, 3000L);
    }

    @Test
    void reasoningDeltasComeBeforeText() {
        server.enqueue(Reply.text("4").reasoning("Two plus two is four."));
        server.enqueue(Reply.text("4").reasoning("Two plus two is four."));

        List<JsonNode> chunks = chunks(chatRequest("2+2?", true));
        List<String> kinds = chunks.stream().map(c -> c.path("choices").path(0).path("delta"))
                .filter(d -> !d.has("role") && !d.isEmpty()).map(d -> d.propertyNames().iterator().next()).toList();
        JsonNode body = TestHttp.post(chatUrl, chatRequest("2+2?", false)).block(TIMEOUT).json();

        assertThat(kinds).containsExactly("reasoning_content", "reasoning_content", "reasoning_content",
                "reasoning_content", "reasoning_content", "content");
        assertThat(chunks.stream().map(c -> c.path("choices").path(0).path("delta").path("reasoning_content").asString(""))
                .collect(Collectors.joining())).isEqualTo("Two plus two is four.");
        assertThat(contentOf(chunks)).isEqualTo("4");
        assertThat(body.path("choices").path(0).path("message").path("reasoning_content").asString())
                .isEqualTo("Two plus two is four.");
    }

    // ---- tool calls --------------------------------------------------------------------------

    @Test
    void toolCallArgumentsInFragmentsInOpenAiLayout() {
        String arguments = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";
        server.enqueue(Reply.toolCall("call_abc", "get_weather", arguments));

        List<JsonNode> chunks = chunks(chatRequest("Weather?", true));
        List<JsonNode> fragments = chunks.stream()
                .map(c -> c.path("choices").path(0).path("delta").path("tool_calls"))
                .filter(JsonNode::isArray).map(a -> a.path(0)).toList();

        JsonNode opener = fragments.get(0);
        assertThat(opener.toString()).isEqualTo(
                "{\"index\":0,\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}");
        assertThat(fragments.subList(1, fragments.size())).hasSizeGreaterThan(2).allSatisfy(f -> {
            assertThat(f.propertyNames()).containsExactly("index", "function");
            assertThat(f.path("function").propertyNames()).containsExactly("arguments");
        });
        assertThat(fragments.stream().map(f -> f.path("function").path("arguments").asString()).collect(Collectors.joining()))
                .isEqualTo(arguments);
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(contentOf(chunks)).isEmpty();
    }

    @Test
    void parallelToolCallsStreamedOneAfterTheOther() {
        Reply reply = Reply.text("Checking both.")
                .andToolCall("get_weather", "{\"city\":\"Paris\"}")
                .andToolCall("get_time", "{\"zone\":\"Europe/Paris\"}");
        server.enqueue(reply).enqueue(reply);

        List<JsonNode> chunks = chunks(chatRequest("Weather and time?", true));
        List<JsonNode> fragments = chunks.stream()
                .map(c -> c.path("choices").path(0).path("delta").path("tool_calls"))
                .filter(JsonNode::isArray).map(a -> a.path(0)).toList();
        JsonNode message = TestHttp.post(chatUrl, chatRequest("again", false)).block(TIMEOUT).json()
                .path("choices").path(0).path("message");

        List<Integer> indexes = fragments.stream().map(f -> f.path("index").asInt()).toList();
        assertThat(indexes).isSorted().contains(0, 1);
        assertThat(argumentsOf(fragments, 0)).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(argumentsOf(fragments, 1)).isEqualTo("{\"zone\":\"Europe/Paris\"}");
        String id0 = fragments.stream().filter(f -> f.path("index").asInt() == 0).findFirst().get().path("id").asString();
        String id1 = fragments.stream().filter(f -> f.path("index").asInt() == 1).findFirst().get().path("id").asString();
        assertThat(id0).startsWith("call_").isNotEqualTo(id1);
        assertThat(contentOf(chunks)).isEqualTo("Checking both.");
        assertThat(message.path("content").asString()).isEqualTo("Checking both.");
        assertThat(message.path("tool_calls")).hasSize(2);
        assertThat(message.path("tool_calls").path(1).toString()).isEqualTo("{\"id\":\"" + id1
                + "\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"zone\\\":\\\"Europe/Paris\\\"}\"}}");
    }

    private static String argumentsOf(List<JsonNode> fragments, int index) {
        return fragments.stream().filter(f -> f.path("index").asInt() == index)
                .map(f -> f.path("function").path("arguments").asString()).collect(Collectors.joining());
    }

    @Test
    void toolCallWithoutTextHasNullContentWhenNotStreamed() {
        server.enqueue(Reply.toolCall("lookup", "{}"));

        JsonNode body = TestHttp.post(chatUrl, chatRequest("x", false)).block(TIMEOUT).json();

        assertThat(body.path("choices").path(0).path("message").path("content").isNull()).isTrue();
        assertThat(body.path("choices").path(0).path("finish_reason").asString()).isEqualTo("tool_calls");
    }

    @Test
    void twoTurnToolConversationWithTwoEnqueues() {
        server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))
                .enqueue(Reply.from(request -> Reply.text("Tool said: " + request.json().path("messages")
                        .path(request.messageCount() - 1).path("content").asString())));

        JsonNode first = TestHttp.post(chatUrl, chatRequest("Weather in Paris?", false)).block(TIMEOUT).json();
        String second = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}]}";
        JsonNode answer = TestHttp.post(chatUrl, second).block(TIMEOUT).json();

        assertThat(first.path("choices").path(0).path("message").path("tool_calls").path(0).path("id").asString()).isEqualTo("call_1");
        assertThat(answer.path("choices").path(0).path("message").path("content").asString()).isEqualTo("Tool said: sunny");
        assertThat(server.requests()).hasSize(2);
        assertThat(server.lastRequest().messageCount()).isEqualTo(3);
    }

    // ---- usage and finish reason -------------------------------------------------------------

    @Test
    void usageChunkLastWhenIncludeUsageRequested() {
        server.enqueue(Reply.text("a b c").usage(12, 3));

        List<JsonNode> chunks = chunks("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");

        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").isArray()).isTrue();
        assertThat(last.path("choices")).isEmpty();
        assertThat(last.path("usage").toString()).isEqualTo("{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}");
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> {
            assertThat(c.has("usage")).isTrue();
            assertThat(c.path("usage").isNull()).isTrue();
        });
    }

    @Test
    void finishReasonOverride() {
        server.enqueue(Reply.text("truncat").finishReason("length"));

        List<JsonNode> chunks = chunks(chatRequest("x", true));

        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asString()).isEqualTo("length");
    }

    // ---- faults ------------------------------------------------------------------------------

    @Test
    void errorStatusWithBodyAndHeaders() {
        server.enqueue(Reply.error(429, "Rate limit reached").header("Retry-After", "2").header("x-request-id", "req_abc"));
        server.enqueue(Reply.status(503, "{\"object\":\"error\",\"message\":\"busy\",\"code\":503}"));

        TestHttp.Response limited = TestHttp.post(chatUrl, chatRequest("x", true)).block(TIMEOUT);
        TestHttp.Response busy = TestHttp.post(chatUrl, chatRequest("x", false)).block(TIMEOUT);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers().get("retry-after")).isEqualTo("2");
        assertThat(limited.headers().getAll("x-request-id")).containsExactly("req_abc");
        assertThat(limited.json().toString()).isEqualTo(
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.body()).isEqualTo("{\"object\":\"error\",\"message\":\"busy\",\"code\":503}");
    }

    @Test
    void errorEventInsideStreamAfterChunks() {
        server.enqueue(Reply.text("a b c d").errorAfter(2, "Engine crashed"));

        List<String> data = TestHttp.data(chatUrl, chatRequest("x", true)).collectList().block(TIMEOUT);

        assertThat(data).hasSize(3).doesNotContain("[DONE]");
        assertThat(parse(data.get(1)).path("choices").path(0).path("delta").path("content").asString()).isEqualTo("a");
        assertThat(data).noneMatch(d -> d.contains("\"finish_reason\":\"stop\""));
        assertThat(parse(data.get(2)).toString()).isEqualTo("{\"error\":{\"message\":\"Engine crashed\",\"type\":\"server_error\"}}");
    }

    @Test
    void errorAfterOnNonStreamedRequestIs500() {
        server.enqueue(Reply.text("a").errorAfter(0, "Engine crashed"));

        TestHttp.Response response = TestHttp.post(chatUrl, chatRequest("x", false)).block(TIMEOUT);

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.json().path("error").path("message").asString()).isEqualTo("Engine crashed");
    }

    @Test
    void cutOffClosesConnectionMidBody() {
        server.enqueue(Reply.text("a b c d e f").cutOffAfter(3));

        StepVerifier.create(TestHttp.data(chatUrl, chatRequest("x", true)))
                .expectNextCount(3)
                .expectError(PrematureCloseException.class)
                .verify(TIMEOUT);
        // The server counts the stream once its write ends, which may be after the client saw the close.
        Eventually.await(() -> server.completedStreams() == 1, TIMEOUT, "cut-off stream counted as completed");
    }

    @Test
    void cutOffNonStreamedBodyAtHalf() {
        server.enqueue(Reply.text("a b c d e f").cutOffAfter(0));

        StepVerifier.create(TestHttp.post(chatUrl, chatRequest("x", false)))
                .expectError(PrematureCloseException.class)
                .verify(TIMEOUT);
    }

    @Test
    void streamWithoutDoneEndsAfterFinishReason() {
        server.enqueue(Reply.text("a b").withoutDone());

        TestHttp.Response response = TestHttp.post(chatUrl, chatRequest("x", true)).block(TIMEOUT);
        List<String> data = TestHttp.splitEvents(Flux.just(response.body())).collectList().block(TIMEOUT);

        assertThat(data).hasSize(4).noneMatch(e -> e.contains("[DONE]"));
        assertThat(parse(data.get(3).substring(6)).path("choices").path(0).path("finish_reason").asString()).isEqualTo("stop");
        assertThat(response.headers().get("connection")).isEqualTo("close");
    }

    @Test
    void hangBeforeHeadersTimesOutClientAndServerSeesDisconnect() {
        server.enqueue(Reply.hang());

        StepVerifier.create(TestHttp.CLIENT.responseTimeout(Duration.ofMillis(200)).post().uri(chatUrl)
                        .send(ByteBufMono.fromString(Mono.just(chatRequest("x", true))))
                        .responseSingle((res, body) -> body.asString()))
                .expectError(ReadTimeoutException.class)
                .verify(TIMEOUT);
        server.awaitCancelledStreams(1, TIMEOUT);
        assertThat(server.activeStreams()).isZero();
    }

    @Test
    void hangAfterHeadersTriggersIdleTimeout() {
        server.enqueue(Reply.hangAfterHeaders());

        StepVerifier.create(TestHttp.CLIENT.post().uri(chatUrl)
                        .send(ByteBufMono.fromString(Mono.just(chatRequest("x", true))))
                        .response((res, body) -> Mono.just("HTTP " + res.status().code() + " " + res.responseHeaders().get("content-type"))
                                .concatWith(body.asString().timeout(Duration.ofMillis(200)))))
                .expectNext("HTTP 200 text/event-stream")
                .expectError(TimeoutException.class)
                .verify(TIMEOUT);
        server.awaitCancelledStreams(1, TIMEOUT);
    }

    @Test
    void stallAfterChunksSendsKeepAliveComments() {
        server.enqueue(Reply.text("a b c").stallAfter(2).keepAlive(Duration.ofMillis(30)));

        StepVerifier.create(TestHttp.events(chatUrl, chatRequest("x", true)).take(5))
                .expectNextMatches(e -> e.contains("\"role\":\"assistant\""))
                .expectNextMatches(e -> e.contains("\"content\":\"a\""))
                .expectNext(": keep-alive", ": keep-alive", ": keep-alive")
                .expectComplete()
                .verify(TIMEOUT);
        server.awaitCancelledStreams(1, TIMEOUT);
        assertThat(server.activeStreams()).isZero();
    }

    @Test
    void rawBodySentExactly() {
        String body = "data: {\"x\":1}\r\n\r\n: comment\nevent: error\ndata: oops\n\n";
        server.enqueue(Reply.raw(body).header("Content-Type", "text/event-stream; charset=utf-8"));

        TestHttp.Response response = TestHttp.post(chatUrl, chatRequest("x", true)).block(TIMEOUT);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().getAll("content-type")).containsExactly("text/event-stream; charset=utf-8");
        assertThat(response.body()).isEqualTo(body);
    }

    @Test
    void rawBodyInBytePiecesSplitsCharacters() {
        String body = "data: {\"text\":\"héllo wörld\"}\n\ndata: [DONE]\n\n";
        server.enqueue(Reply.raw(body).chunkSize(17).delay(Duration.ofMillis(25)));

        List<byte[]> reads = TestHttp.CLIENT.post().uri(chatUrl)
                .send(ByteBufMono.fromString(Mono.just(chatRequest("x", true))))
                .responseContent().asByteArray().collectList().block(TIMEOUT);

        assertThat(reads.size()).isGreaterThan(1);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        reads.forEach(all::writeBytes);
        assertThat(all.toString(StandardCharsets.UTF_8)).isEqualTo(body);
    }

    // ---- other endpoints ---------------------------------------------------------------------

    @Test
    void modelsEndpointListsConfiguredModels() {
        try (ScriptedLlmServer custom = ScriptedLlmServer.builder().models("alpha", "beta").start()) {
            TestHttp.Response response = TestHttp.get(custom.baseUrl() + "/models").block(TIMEOUT);

            assertThat(response.status()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.path("object").asString()).isEqualTo("list");
            assertThat(body.path("data")).map(m -> m.path("id").asString()).containsExactly("alpha", "beta");
            assertThat(body.path("data").path(0).path("object").asString()).isEqualTo("model");
        }
        JsonNode defaults = TestHttp.get(server.baseUrl() + "/models").block(TIMEOUT).json();
        assertThat(defaults.path("data").path(0).path("id").asString()).isEqualTo(ScriptedLlmServer.DEFAULT_MODEL);
    }

    @Test
    void unknownPathIs404WithOpenAiError() {
        TestHttp.Response response = TestHttp.get(server.baseUrl() + "/embeddingz?x=1").block(TIMEOUT);
        TestHttp.Response wrongMethod = TestHttp.get(chatUrl).block(TIMEOUT);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").path("message").asString()).isEqualTo("Invalid URL (GET /v1/embeddingz)");
        assertThat(response.json().path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.requests().get(0).uri()).isEqualTo("/v1/embeddingz?x=1");
    }

    // ---- recording ---------------------------------------------------------------------------

    @Test
    void recordsMethodPathHeadersAndJson() {
        String json = chatRequest("Hi", true);
        TestHttp.CLIENT.headers(h -> h.add("Authorization", "Bearer sk-test").add("X-Trace", "1").add("X-Trace", "2"))
                .post().uri(chatUrl).send(ByteBufMono.fromString(Mono.just(json)))
                .responseContent().aggregate().asString().block(TIMEOUT);

        RecordedRequest request = server.awaitRequests(1, TIMEOUT).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).isEqualTo("Bearer sk-test");
        assertThat(request.header("AUTHORIZATION")).isEqualTo("Bearer sk-test");
        assertThat(request.headers("x-trace")).containsExactly("1", "2");
        assertThat(request.header("x-missing")).isNull();
        assertThat(request.body()).isEqualTo(json);
        assertThat(request.json().path("messages").path(1).path("content").asString()).isEqualTo("Hi");
        assertThat(request.model()).isEqualTo("test-model");
        assertThat(request.isStream()).isTrue();
        assertThat(request.lastUserMessage()).isEqualTo("Hi");
        assertThat(request.toString()).doesNotContain("sk-test");
        assertThat(server.lastRequest()).isSameAs(request);
    }

    @Test
    void awaitRequestsWaitsForConcurrentRequestsAndFailsOnTimeout() {
        Flux.range(0, 3).flatMap(i -> TestHttp.post(chatUrl, chatRequest("n" + i, false))).subscribe();

        assertThat(server.awaitRequests(3, TIMEOUT)).hasSize(3);
        assertThatThrownBy(() -> server.awaitRequests(4, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected 4 requests within PT0.05S, got 3");
        StepVerifier.create(server.whenRequests(3)).expectNextMatches(l -> l.size() == 3).expectComplete().verify(TIMEOUT);
    }

    @Test
    void lastRequestBeforeAnyFails() {
        assertThatThrownBy(server::lastRequest).isInstanceOf(IllegalStateException.class);
    }

    // ---- dynamic replies ---------------------------------------------------------------------

    @Test
    void replyFromRequestAndOptionsOnDynamicReply() {
        server.setDefault(Reply.from(r -> Reply.text("Model " + r.model())).chunkSize(3));

        List<JsonNode> chunks = chunks(chatRequest("x", true));

        assertThat(chunks.subList(1, chunks.size() - 1))
                .map(c -> c.path("choices").path(0).path("delta").path("content").asString())
                .containsExactly("Mod", "el ", "tes", "t-m", "ode", "l");
    }

    @Test
    void responderThatFailsGives500() {
        server.enqueue(Reply.from(r -> null)).enqueue(Reply.from(r -> {
            throw new IllegalArgumentException("bad script");
        }));

        TestHttp.Response nullReply = TestHttp.post(chatUrl, chatRequest("x", false)).block(TIMEOUT);
        TestHttp.Response thrown = TestHttp.post(chatUrl, chatRequest("x", false)).block(TIMEOUT);

        assertThat(nullReply.status()).isEqualTo(500);
        assertThat(nullReply.json().path("error").path("message").asString()).contains("returned null");
        assertThat(thrown.status()).isEqualTo(500);
        assertThat(thrown.json().path("error").path("message").asString()).contains("bad script");
    }

    @Test
    void responderThatBlocksIsReportedByBlockHound() {
        server.enqueue(Reply.from(r -> {
            // A deliberate blocking call on the server's event loop.
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            return Reply.text("never");
        }));

        TestHttp.Response response = TestHttp.post(chatUrl, chatRequest("x", false)).block(TIMEOUT);

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.json().path("error").path("message").asString()).contains("Blocking call");
    }

    // ---- streams, backpressure, lifecycle ----------------------------------------------------

    @Test
    void clientCancelIsSeenByServer() {
        String words = IntStream.range(0, 200).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        server.enqueue(Reply.text(words).delay(Duration.ofMillis(10)));

        StepVerifier.create(TestHttp.data(chatUrl, chatRequest("x", true)).take(3))
                .expectNextCount(3)
                .expectComplete()
                .verify(TIMEOUT);

        server.awaitCancelledStreams(1, TIMEOUT);
        StepVerifier.create(server.whenCancelledStreams(1)).expectComplete().verify(TIMEOUT);
        assertThat(server.cancelledStreams()).isEqualTo(1);
        assertThat(server.completedStreams()).isZero();
        assertThat(server.activeStreams()).isZero();
    }

    @Test
    void largeStreamArrivesWholeAndInOrderUnderBackpressure() {
        String words = IntStream.range(0, 500).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        server.enqueue(Reply.text(words));

        List<String> deltas = new ArrayList<>();
        StepVerifier.create(TestHttp.data(chatUrl, chatRequest("x", true)).limitRate(16), 0)
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(d -> deltas.add(d))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(deltas).hasSize(503).last().isEqualTo("[DONE]");
        assertThat(contentOf(deltas.subList(0, deltas.size() - 1).stream().map(TestHttp::parse).toList())).isEqualTo(words);
        Eventually.await(() -> server.completedStreams() == 1, TIMEOUT, "stream counted as completed");
    }

    @Test
    void startAndCloseFastAndReleasePort() throws Exception {
        ScriptedLlmServer.start().close(); // warm up class loading, which is not what is measured

        long start = System.nanoTime();
        ScriptedLlmServer other = ScriptedLlmServer.start();
        int port = other.port();
        other.close();
        long startStopMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(startStopMillis).isLessThan(1000);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void closeEndsOpenConnectionsAtOnceAndIsIdempotent() {
        server.enqueue(Reply.hang());
        Mono<TestHttp.Response> pending = TestHttp.post(chatUrl, chatRequest("x", false)).cache();
        pending.subscribe(r -> { }, e -> { });
        server.awaitRequests(1, TIMEOUT);

        long start = System.nanoTime();
        server.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(closeMillis).isLessThan(2000);
        StepVerifier.create(pending).expectError(PrematureCloseException.class).verify(TIMEOUT);
        server.close();
    }
}
