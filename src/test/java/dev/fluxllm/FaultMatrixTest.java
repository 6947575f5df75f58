package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * Runs every network and protocol fault against {@code generate} and {@code stream}: each call
 * terminates within a bound, with a result or a precise exception type, and gives its connection
 * back. The matrix is published in {@code RELIABILITY.md}; {@link ReliabilityDocTest} keeps the
 * two in step.
 */
class FaultMatrixTest {

    static final Duration BOUND = Duration.ofSeconds(10);
    static final String JSON = "application/json";
    static final String SSE = "text/event-stream";

    static WireMockServer wm;
    final List<OpenAiCompatClient> clients = new ArrayList<>();
    final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        // The first call of a JVM loads and instruments (BlockHound) a few thousand classes: pay
        // for it here, not inside a test with a 300 ms timeout.
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withHeader("Content-Type", JSON).withBody(COMPLETION)));
        try (OpenAiCompatClient warm = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").defaultModel("m").build()) {
            warm.generate(request()).block(Duration.ofSeconds(30));
        }
        wm.resetAll();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @AfterEach
    void noConnectionLeftInUse() throws Exception {
        for (OpenAiCompatClient c : clients) {
            Eventually.await(() -> c.activeConnections() == 0, Duration.ofSeconds(3), "connections released by " + c.name());
            c.close();
        }
        for (AutoCloseable s : servers) {
            s.close();
        }
        wm.resetAll();
    }

    // ---------------------------------------------------------------- fixtures

    static final String COMPLETION = "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}";

    static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content + "\"}}]}\n\n";
    }

    static final String FINISH = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},"
            + "\"finish_reason\":\"stop\"}]}\n\n";
    static final String DONE = "data: [DONE]\n\n";
    static final String STREAM = chunk("Hel") + ": keep-alive\n\n" + chunk("lo") + FINISH + DONE;

    static ChatRequest request() {
        return ChatRequest.builder().user("hi").build();
    }

    OpenAiCompatClient client(String baseUrl) {
        return client(baseUrl, b -> b);
    }

    OpenAiCompatClient client(String baseUrl, UnaryOperator<OpenAiCompatClient.Builder> options) {
        OpenAiCompatClient c = options.apply(OpenAiCompatClient.builder().baseUrl(baseUrl).defaultModel("m")
                .name("fault-" + clients.size()).retryPolicy(RetryPolicy.none())
                .responseTimeout(Duration.ofSeconds(5)).streamIdleTimeout(Duration.ofSeconds(5))).build();
        clients.add(c);
        return c;
    }

    OpenAiCompatClient wiremockClient(UnaryOperator<OpenAiCompatClient.Builder> options) {
        return client(wm.baseUrl() + "/v1", options);
    }

    void stub(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        wm.stubFor(post("/v1/chat/completions").willReturn(response));
    }

    LocalServer serve(java.util.function.BiFunction<reactor.netty.http.server.HttpServerRequest, HttpServerResponse,
            org.reactivestreams.Publisher<Void>> handler) {
        LocalServer s = LocalServer.start(handler);
        servers.add(s);
        return s;
    }

    static void expectGenerateOk(OpenAiCompatClient c, String text) {
        StepVerifier.create(c.generate(request()))
                .assertNext(r -> assertThat(r.text()).isEqualTo(text))
                .expectComplete()
                .verify(BOUND);
    }

    static void expectStreamOk(OpenAiCompatClient c, String text) {
        StepVerifier.create(c.stream(request()).as(ChatStreams::assemble))
                .assertNext(r -> {
                    assertThat(r.text()).isEqualTo(text);
                    assertThat(r.finishReason()).isEqualTo("stop");
                })
                .expectComplete()
                .verify(BOUND);
    }

    static void expectGenerateError(OpenAiCompatClient c, Class<? extends OpenAiCompatException> type,
                                    Consumer<Throwable> more) {
        StepVerifier.create(c.generate(request()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isExactlyInstanceOf(type);
                    more.accept(e);
                })
                .verify(BOUND);
    }

    static void expectStreamError(OpenAiCompatClient c, Class<? extends OpenAiCompatException> type,
                                  Consumer<Throwable> more) {
        StepVerifier.create(c.stream(request()))
                .thenConsumeWhile(x -> true)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isExactlyInstanceOf(type);
                    more.accept(e);
                })
                .verify(BOUND);
    }

    static Consumer<Throwable> messageContains(String... parts) {
        return e -> {
            for (String p : parts) {
                assertThat(e.getMessage()).contains(p);
            }
        };
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Writes each byte in its own flush: one HTTP chunk and usually one TCP segment per byte. */
    static Mono<Void> dribble(HttpServerResponse res, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return res.header("Content-Type", contentType)
                .send(Flux.range(0, bytes.length).map(i -> Unpooled.wrappedBuffer(bytes, i, 1)), b -> true)
                .then();
    }

    /** Sends what was given, then resets the connection (SO_LINGER 0 makes close send RST). */
    static org.reactivestreams.Publisher<Void> thenReset(HttpServerResponse res, String contentType, String body) {
        return res.header("Content-Type", contentType)
                .sendString(Flux.just(body).hide())
                .then(Mono.<Void>fromRunnable(() -> res.withConnection(conn -> {
                    conn.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    conn.channel().close();
                })))
                .then(Mono.never());
    }

    /** Sends what was given, then closes the connection without ending the chunked body. */
    static org.reactivestreams.Publisher<Void> thenClose(HttpServerResponse res, String contentType, String body) {
        return res.header("Content-Type", contentType)
                .sendString(Flux.just(body).hide())
                .then(Mono.<Void>fromRunnable(() -> res.withConnection(conn -> conn.channel().close())))
                .then(Mono.never());
    }

    // ---------------------------------------------------------------- connection faults

    @Test
    void generateConnectionRefused() throws IOException {
        expectGenerateError(client("http://127.0.0.1:" + freePort() + "/v1"), ConnectionException.class,
                messageContains("Connection refused"));
    }

    @Test
    void streamConnectionRefused() throws IOException {
        expectStreamError(client("http://127.0.0.1:" + freePort() + "/v1"), ConnectionException.class,
                messageContains("Connection refused"));
    }

    @Test
    void generateResetBeforeHeaders() {
        stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        expectGenerateError(wiremockClient(b -> b), ConnectionException.class, e -> assertThat(
                ((OpenAiCompatException) e).isRetryable()).isTrue());
    }

    @Test
    void streamResetBeforeHeaders() {
        stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        expectStreamError(wiremockClient(b -> b), ConnectionException.class, e -> assertThat(
                ((OpenAiCompatException) e).isRetryable()).isTrue());
    }

    @Test
    void generateResetMidBody() {
        LocalServer s = serve((req, res) -> thenReset(res, JSON, COMPLETION.substring(0, 40)));
        expectGenerateError(client(s.baseUrl()), ConnectionException.class, e -> { });
    }

    @Test
    void streamResetMidBody() {
        LocalServer s = serve((req, res) -> thenReset(res, SSE, chunk("Hel")));
        StepVerifier.create(client(s.baseUrl()).stream(request()).as(ChatStreams::text))
                .expectNext("Hel")
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ConnectionException.class))
                .verify(BOUND);
    }

    @Test
    void generateEmptyResponse() {
        stub(aResponse().withFault(Fault.EMPTY_RESPONSE));
        expectGenerateError(wiremockClient(b -> b), ConnectionException.class, messageContains("closed"));
    }

    @Test
    void streamEmptyResponse() {
        stub(aResponse().withFault(Fault.EMPTY_RESPONSE));
        expectStreamError(wiremockClient(b -> b), ConnectionException.class, messageContains("closed"));
    }

    @Test
    void generateMalformedChunk() {
        stub(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        expectGenerateError(wiremockClient(b -> b), ConnectionException.class, messageContains("prematurely closed"));
    }

    @Test
    void streamMalformedChunk() {
        stub(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        expectStreamError(wiremockClient(b -> b), ConnectionException.class, messageContains("prematurely closed"));
    }

    @Test
    void generateRandomDataThenClose() {
        stub(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));
        expectGenerateError(wiremockClient(b -> b), ConnectionException.class, messageContains("prematurely closed"));
    }

    @Test
    void streamRandomDataThenClose() {
        stub(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));
        expectStreamError(wiremockClient(b -> b), ConnectionException.class, messageContains("prematurely closed"));
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void generateHeadersNeverArrive() {
        stub(aResponse().withFixedDelay(3000).withHeader("Content-Type", JSON).withBody(COMPLETION));
        expectGenerateError(wiremockClient(b -> b.responseTimeout(Duration.ofMillis(300))),
                ApiTimeoutException.class, messageContains("responseTimeout"));
    }

    @Test
    void streamHeadersNeverArrive() {
        stub(aResponse().withFixedDelay(3000).withHeader("Content-Type", SSE).withBody(STREAM));
        expectStreamError(wiremockClient(b -> b.responseTimeout(Duration.ofMillis(300))),
                ApiTimeoutException.class, messageContains("responseTimeout"));
    }

    @Test
    void generateStallMidBody() {
        LocalServer s = serve((req, res) -> res.header("Content-Type", JSON)
                .sendString(Flux.just(COMPLETION.substring(0, 30)).hide()).then(Mono.never()));
        expectGenerateError(client(s.baseUrl(), b -> b.streamIdleTimeout(Duration.ofMillis(400))),
                ApiTimeoutException.class, messageContains("streamIdleTimeout"));
    }

    @Test
    void streamStallBehindKeepAlives() {
        LocalServer s = serve((req, res) -> res.header("Content-Type", SSE)
                .send(Flux.concat(Mono.just(chunk("Hel")), Flux.interval(Duration.ofMillis(50)).map(i -> ": keep-alive\n\n"))
                        .map(part -> Unpooled.copiedBuffer(part, StandardCharsets.UTF_8)), b -> true)
                .then());
        StepVerifier.create(client(s.baseUrl(), b -> b.streamIdleTimeout(Duration.ofMillis(400)))
                        .stream(request()).as(ChatStreams::text))
                .expectNext("Hel")
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("streamIdleTimeout"))
                .verify(BOUND);
    }

    // ---------------------------------------------------------------- statuses

    @Test
    void generate429RetryAfterSeconds() {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "7").withHeader("Content-Type", JSON)
                .withBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}"));
        expectGenerateError(wiremockClient(b -> b), RateLimitException.class, e -> {
            assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(e).hasMessageContaining("slow down");
        });
    }

    @Test
    void stream429RetryAfterSeconds() {
        stub(aResponse().withStatus(429).withHeader("Retry-After", "7").withHeader("Content-Type", JSON)
                .withBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}"));
        expectStreamError(wiremockClient(b -> b), RateLimitException.class, e ->
                assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    static String httpDateIn(int seconds) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(seconds));
    }

    @Test
    void generate429RetryAfterHttpDate() {
        stub(aResponse().withStatus(429).withHeader("Retry-After", httpDateIn(30)).withBody("busy"));
        expectGenerateError(wiremockClient(b -> b), RateLimitException.class, e ->
                assertThat(((RateLimitException) e).retryAfter()).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30)));
    }

    @Test
    void stream429RetryAfterHttpDate() {
        stub(aResponse().withStatus(429).withHeader("Retry-After", httpDateIn(30)).withBody("busy"));
        expectStreamError(wiremockClient(b -> b), RateLimitException.class, e ->
                assertThat(((RateLimitException) e).retryAfter()).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30)));
    }

    static String htmlPage(int status) {
        return "<!DOCTYPE html><html><head><title>" + status + " Gateway Trouble</title></head><body><h1>nginx</h1>"
                + "<p>" + "x".repeat(2000) + "</p></body></html>";
    }

    @Test
    void generate5xxHtmlBodies() {
        OpenAiCompatClient c = wiremockClient(b -> b);
        for (int status : new int[] {500, 502, 503, 504}) {
            stub(aResponse().withStatus(status).withHeader("Content-Type", "text/html").withBody(htmlPage(status)));
            expectGenerateError(c, ServerException.class, e -> {
                assertThat(((OpenAiCompatException) e).statusCode()).isEqualTo(status);
                assertThat(e.getMessage()).contains(status + " Gateway Trouble (HTML page)").hasSizeLessThan(1000);
                assertThat(((OpenAiCompatException) e).isRetryable()).isTrue();
            });
        }
    }

    @Test
    void stream5xxHtmlBodies() {
        OpenAiCompatClient c = wiremockClient(b -> b);
        for (int status : new int[] {500, 502, 503, 504}) {
            stub(aResponse().withStatus(status).withHeader("Content-Type", "text/html").withBody(htmlPage(status)));
            expectStreamError(c, ServerException.class, e -> {
                assertThat(((OpenAiCompatException) e).statusCode()).isEqualTo(status);
                assertThat(e.getMessage()).contains(status + " Gateway Trouble (HTML page)").hasSizeLessThan(1000);
            });
        }
    }

    @Test
    void generate200HtmlBody() {
        stub(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody(htmlPage(200)));
        expectGenerateError(wiremockClient(b -> b), MalformedResponseException.class,
                messageContains("not a JSON object"));
    }

    @Test
    void stream200NonSseContentType() {
        stub(aResponse().withStatus(200).withHeader("Content-Type", JSON).withBody(COMPLETION));
        expectStreamError(wiremockClient(b -> b), MalformedResponseException.class,
                messageContains("text/event-stream", "application/json"));
    }

    // ---------------------------------------------------------------- encodings and framing

    LocalServer gzipServer(String contentType, String body, List<String> acceptEncoding) {
        LocalServer s = LocalServer.start(HttpServer.create().compress(true), (req, res) -> {
            acceptEncoding.add(String.valueOf(req.requestHeaders().get("Accept-Encoding")));
            return res.header("Content-Type", contentType).send(Flux.fromArray(body.split("(?<=\n\n)"))
                    .map(part -> Unpooled.copiedBuffer(part, StandardCharsets.UTF_8)), b -> true).then();
        });
        servers.add(s);
        return s;
    }

    @Test
    void generateGzipBody() {
        List<String> accepted = new ArrayList<>();
        String content = "gzip ".repeat(400);
        String body = COMPLETION.replace("\"Hello\"", "\"" + content + "\"");
        expectGenerateOk(client(gzipServer(JSON, body, accepted).baseUrl()), content);
        assertThat(accepted).singleElement().asString().contains("gzip");
    }

    @Test
    void streamGzipBody() {
        List<String> accepted = new ArrayList<>();
        expectStreamOk(client(gzipServer(SSE, STREAM, accepted).baseUrl()), "Hello");
        assertThat(accepted).singleElement().asString().contains("gzip");
    }

    @Test
    void generateOneByteChunks() {
        String body = COMPLETION.replace("Hello", "Grüße, 世界 🎉");
        LocalServer s = serve((req, res) -> dribble(res, JSON, body));
        expectGenerateOk(client(s.baseUrl()), "Grüße, 世界 🎉");
    }

    @Test
    void streamOneByteChunks() {
        String body = "\uFEFF" + chunk("Grü") + ":ping\r\n\r\n" + chunk("ße, 世界 🎉").replace("\n", "\r\n") + FINISH + DONE;
        LocalServer s = serve((req, res) -> dribble(res, SSE, body));
        expectStreamOk(client(s.baseUrl()), "Grüße, 世界 🎉");
    }

    @Test
    void generateBodyOverSizeLimit() {
        stub(aResponse().withHeader("Content-Type", JSON)
                .withBody(COMPLETION.replace("Hello", "x".repeat(4096))));
        expectGenerateError(wiremockClient(b -> b.maxResponseBytes(2048)), MalformedResponseException.class,
                messageContains("2048"));
    }

    @Test
    void streamEventOverSizeLimit() {
        stub(aResponse().withHeader("Content-Type", SSE).withBody(chunk("ok") + chunk("x".repeat(4096)) + FINISH + DONE));
        StepVerifier.create(wiremockClient(b -> b.maxEventBytes(2048)).stream(request()).as(ChatStreams::text))
                .expectNext("ok")
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("2048"))
                .verify(BOUND);
    }

    static byte[] withInvalidUtf8(String template) {
        // "Hel" + 0xC3 0x28 (a lead byte followed by a non-continuation byte) + "lo"
        String[] halves = template.split("INVALID", 2);
        byte[] a = halves[0].getBytes(StandardCharsets.UTF_8);
        byte[] b = halves[1].getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + 2 + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = (byte) 0xC3;
        out[a.length + 1] = (byte) 0x28;
        System.arraycopy(b, 0, out, a.length + 2, b.length);
        return out;
    }

    @Test
    void generateInvalidUtf8InJsonString() {
        stub(aResponse().withHeader("Content-Type", JSON).withBody(withInvalidUtf8(COMPLETION.replace("Hello", "HelINVALIDlo"))));
        expectGenerateError(wiremockClient(b -> b), MalformedResponseException.class, messageContains("UTF-8"));
    }

    @Test
    void streamInvalidUtf8InJsonString() {
        stub(aResponse().withHeader("Content-Type", SSE)
                .withBody(withInvalidUtf8(chunk("ok") + chunk("HelINVALIDlo") + FINISH + DONE)));
        StepVerifier.create(wiremockClient(b -> b).stream(request()).as(ChatStreams::text))
                .expectNext("ok")
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("UTF-8"))
                .verify(BOUND);
    }

    static String deeplyNested(int depth) {
        return "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"extra\":"
                + "[".repeat(depth) + "]".repeat(depth) + "}]}";
    }

    @Test
    void generateDeeplyNestedJson() {
        stub(aResponse().withHeader("Content-Type", JSON).withBody(COMPLETION.replace("\"finish_reason\"",
                "\"extra\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"finish_reason\"")));
        expectGenerateError(wiremockClient(b -> b), MalformedResponseException.class, messageContains("depth"));
    }

    @Test
    void streamDeeplyNestedJson() {
        stub(aResponse().withHeader("Content-Type", SSE)
                .withBody(chunk("ok") + "data: " + deeplyNested(100_000) + "\n\n" + FINISH + DONE));
        StepVerifier.create(wiremockClient(b -> b).stream(request()).as(ChatStreams::text))
                .expectNext("ok")
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("depth"))
                .verify(BOUND);
    }

    @Test
    void generateHugeStrings() {
        OpenAiCompatClient c = wiremockClient(b -> b.maxResponseBytes(8 * 1024 * 1024));
        String big = "a".repeat(3 * 1024 * 1024);
        stub(aResponse().withHeader("Content-Type", JSON).withBody(COMPLETION.replace("Hello", big)));
        expectGenerateOk(c, big);
        stub(aResponse().withHeader("Content-Type", JSON).withBody(COMPLETION.replace("Hello", big + big + big)));
        expectGenerateError(c, MalformedResponseException.class, messageContains("exceeds"));
        stub(aResponse().withHeader("Content-Type", JSON)
                .withBody(COMPLETION.replace("\"id\"", "\"" + "k".repeat(60_000) + "\":1,\"id\"")));
        expectGenerateError(c, MalformedResponseException.class, messageContains("Name length"));
    }

    @Test
    void streamHugeStrings() {
        OpenAiCompatClient c = wiremockClient(b -> b.maxEventBytes(4 * 1024 * 1024));
        String big = "a".repeat(3 * 1024 * 1024);
        stub(aResponse().withHeader("Content-Type", SSE).withBody(chunk(big) + FINISH + DONE));
        expectStreamOk(c, big);
        stub(aResponse().withHeader("Content-Type", SSE).withBody(chunk(big + big) + FINISH + DONE));
        expectStreamError(c, MalformedResponseException.class, messageContains("4194304"));
        stub(aResponse().withHeader("Content-Type", SSE).withBody(
                chunk("ok").replace("\"id\"", "\"" + "k".repeat(60_000) + "\":1,\"id\"") + FINISH + DONE));
        expectStreamError(c, MalformedResponseException.class, messageContains("Name length"));
    }

    // ---------------------------------------------------------------- end of body

    @Test
    void generateCompleteBodyNeverEnds() {
        // A complete JSON document in a chunked body whose last chunk never comes: nothing says the
        // body is over, so the idle timeout ends the call.
        LocalServer s = serve((req, res) -> res.header("Content-Type", JSON)
                .sendString(Flux.just(COMPLETION).hide()).then(Mono.never()));
        expectGenerateError(client(s.baseUrl(), b -> b.streamIdleTimeout(Duration.ofMillis(400))),
                ApiTimeoutException.class, messageContains("streamIdleTimeout"));
    }

    @Test
    void streamDoneThenConnectionKeptOpen() {
        LocalServer s = serve((req, res) -> res.header("Content-Type", SSE)
                .sendString(Flux.just(STREAM).hide()).then(Mono.never()));
        OpenAiCompatClient c = client(s.baseUrl(), b -> b.streamIdleTimeout(Duration.ofSeconds(30)));
        StepVerifier.create(c.stream(request()).as(ChatStreams::assemble))
                .assertNext(r -> assertThat(r.text()).isEqualTo("Hello"))
                .expectComplete()
                .verify(Duration.ofSeconds(3));
    }

    @Test
    void generateServerClosesAfterCompleteBody() {
        LocalServer s = serve((req, res) -> thenClose(res, JSON, COMPLETION));
        expectGenerateError(client(s.baseUrl()), ConnectionException.class, messageContains("closed"));
    }

    @Test
    void streamServerClosesAfterEveryChoiceFinished() {
        String twoChoices = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}},"
                + "{\"index\":1,\"delta\":{\"content\":\"Bye\"}}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                + chunk("lo") + FINISH;
        LocalServer s = serve((req, res) -> thenClose(res, SSE, twoChoices));
        StepVerifier.create(client(s.baseUrl()).stream(request()).as(ChatStreams::assemble))
                .assertNext(r -> {
                    assertThat(r.choices()).hasSize(2);
                    assertThat(r.text()).isEqualTo("Hello");
                    assertThat(r.choices().get(1).text()).isEqualTo("Bye");
                    assertThat(r.choices().get(1).finishReason()).isEqualTo("length");
                })
                .expectComplete()
                .verify(BOUND);
    }

    @Test
    void streamServerClosesBeforeEveryChoiceFinished() {
        LocalServer s = serve((req, res) -> thenClose(res, SSE, chunk("Hel")));
        StepVerifier.create(client(s.baseUrl()).stream(request()).as(ChatStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isExactlyInstanceOf(MalformedResponseException.class).hasMessageContaining("cut off");
                    assertThat(((OpenAiCompatException) e).partialResponse().text()).isEqualTo("Hel");
                })
                .verify(BOUND);
    }

    @Test
    void generateClientClosedInFlight() {
        LocalServer s = serve((req, res) -> Mono.never());
        OpenAiCompatClient c = client(s.baseUrl());
        StepVerifier.create(c.generate(request()))
                .then(() -> Eventually.await(() -> c.activeConnections() == 1, BOUND, "call in flight"))
                .then(() -> c.closeAsync().subscribe())
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ClientClosedException.class)
                        .hasMessageContaining("client was closed"))
                .verify(BOUND);
        expectGenerateError(c, ClientClosedException.class, messageContains("client was closed"));
    }

    @Test
    void streamClientClosedInFlight() {
        LocalServer s = serve((req, res) -> res.header("Content-Type", SSE)
                .sendString(Flux.just(chunk("Hel")).hide()).then(Mono.never()));
        OpenAiCompatClient c = client(s.baseUrl());
        StepVerifier.create(c.stream(request()).as(ChatStreams::text))
                .expectNext("Hel")
                .then(c::close)
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ClientClosedException.class)
                        .hasMessageContaining("client was closed"))
                .verify(BOUND);
        expectStreamError(c, ClientClosedException.class, messageContains("client was closed"));
    }
}
