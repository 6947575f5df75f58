package dev.fluxllm.responses;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.fluxllm.ApiTimeoutException;
import dev.fluxllm.ConnectionException;
import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.ServerException;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import dev.fluxllm.support.WireMockServerSupport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/** The fault matrix of {@code RELIABILITY.md}, for {@code POST /responses}, generated and streamed. */
class ResponsesFaultMatrixTest extends WireMockServerSupport {

    static final Duration BOUND = Duration.ofSeconds(10);
    static final String JSON = "application/json";
    static final String SSE = "text/event-stream";
    static final ResponseRequest ASK = ResponseRequest.builder().input("hi").build();
    static final String STREAM = ResponseFixtures.sse(ResponseFixtures.textEvents().toArray(String[]::new));
    static final String BODY = ResponseFixtures.COMPLETED_TEXT;
    static final String TEXT = "Hello, wörld! ☃";

    final List<OpenAiCompatClient> clients = new ArrayList<>();
    final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void releaseEverything() throws Exception {
        for (OpenAiCompatClient c : clients) {
            Eventually.await(() -> c.activeConnections() == 0, Duration.ofSeconds(3), "connections released");
            c.close();
        }
        for (AutoCloseable s : servers) {
            s.close();
        }
        wm.resetAll();
    }

    OpenAiCompatClient client(String baseUrl, UnaryOperator<OpenAiCompatClient.Builder> options) {
        OpenAiCompatClient c = options.apply(OpenAiCompatClient.builder().baseUrl(baseUrl).defaultModel("m")
                .retryPolicy(RetryPolicy.none()).responseTimeout(Duration.ofSeconds(5))
                .streamIdleTimeout(Duration.ofSeconds(5))).build();
        clients.add(c);
        return c;
    }

    OpenAiCompatClient client(String baseUrl) {
        return client(baseUrl, b -> b);
    }

    LocalServer serve(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        LocalServer s = LocalServer.start(handler);
        servers.add(s);
        return s;
    }

    static Mono<Void> send(HttpServerResponse res, String type, String body) {
        return res.header("Content-Type", type).sendString(Mono.just(body)).then();
    }

    static Mono<Void> dribble(HttpServerResponse res, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return res.header("Content-Type", type)
                .send(Flux.range(0, bytes.length).map(i -> Unpooled.wrappedBuffer(bytes, i, 1)), b -> true).then();
    }

    static Publisher<Void> thenReset(HttpServerResponse res, String type, String body) {
        return res.header("Content-Type", type).sendString(Flux.just(body).hide())
                .then(Mono.<Void>fromRunnable(() -> res.withConnection(conn -> {
                    conn.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    conn.channel().close();
                })))
                .then(Mono.never());
    }

    static Publisher<Void> thenClose(HttpServerResponse res, String type, String body) {
        return res.header("Content-Type", type).sendString(Flux.just(body).hide())
                .then(Mono.<Void>fromRunnable(() -> res.withConnection(conn -> conn.channel().close())))
                .then(Mono.never());
    }

    static void generateFails(OpenAiCompatClient c, Class<? extends OpenAiCompatException> type, String... parts) {
        StepVerifier.create(c.generate(ASK)).expectErrorSatisfies(e -> {
            assertThat(e).isInstanceOf(type);
            for (String p : parts) {
                assertThat(e.getMessage()).contains(p);
            }
        }).verify(BOUND);
    }

    static void streamFails(OpenAiCompatClient c, Class<? extends OpenAiCompatException> type, String... parts) {
        StepVerifier.create(c.stream(ASK).as(ResponseStreams::assemble)).expectErrorSatisfies(e -> {
            assertThat(e).isInstanceOf(type);
            for (String p : parts) {
                assertThat(e.getMessage()).contains(p);
            }
        }).verify(BOUND);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void generateConnectionRefused() throws IOException {
        generateFails(client("http://127.0.0.1:" + freePort() + "/v1"), ConnectionException.class);
    }

    @Test
    void streamConnectionRefused() throws IOException {
        streamFails(client("http://127.0.0.1:" + freePort() + "/v1"), ConnectionException.class);
    }

    @Test
    void generateResetBeforeHeaders() {
        wm.stubFor(post("/v1/responses").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        generateFails(client(wm.baseUrl() + "/v1"), ConnectionException.class);
    }

    @Test
    void streamResetBeforeHeaders() {
        wm.stubFor(post("/v1/responses").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        streamFails(client(wm.baseUrl() + "/v1"), ConnectionException.class);
    }

    @Test
    void generateResetMidBody() {
        LocalServer s = serve((req, res) -> thenReset(res, JSON, BODY.substring(0, 50)));
        generateFails(client(s.baseUrl()), ConnectionException.class);
    }

    @Test
    void streamResetMidBody() {
        String firstEvents = ResponseFixtures.sse(ResponseFixtures.textEvents().subList(0, 5).toArray(String[]::new));
        LocalServer s = serve((req, res) -> thenReset(res, SSE, firstEvents));
        StepVerifier.create(client(s.baseUrl()).stream(ASK))
                .expectNextCount(5)
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ConnectionException.class))
                .verify(BOUND);
    }

    @Test
    void generateHeadersNeverArrive() {
        LocalServer s = serve((req, res) -> Mono.never());
        generateFails(client(s.baseUrl(), b -> b.responseTimeout(Duration.ofMillis(300))), ApiTimeoutException.class,
                "responseTimeout");
    }

    @Test
    void streamHeadersNeverArrive() {
        LocalServer s = serve((req, res) -> Mono.never());
        streamFails(client(s.baseUrl(), b -> b.responseTimeout(Duration.ofMillis(300))), ApiTimeoutException.class,
                "responseTimeout");
    }

    @Test
    void streamStallBehindKeepAlives() {
        String first = ResponseFixtures.sse(ResponseFixtures.textEvents().get(0));
        LocalServer s = serve((req, res) -> res.header("Content-Type", SSE)
                .send(Flux.concat(Mono.just(first), Flux.interval(Duration.ofMillis(50)).map(i -> ": keep-alive\n\n"))
                        .map(part -> Unpooled.copiedBuffer(part, StandardCharsets.UTF_8)), b -> true)
                .then());
        StepVerifier.create(client(s.baseUrl(), b -> b.streamIdleTimeout(Duration.ofMillis(400))).stream(ASK))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("streamIdleTimeout"))
                .verify(BOUND);
    }

    @Test
    void generate429RetryAfter() {
        wm.stubFor(post("/v1/responses").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withHeader("Content-Type", JSON).withBody("{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\"}}")));
        StepVerifier.create(client(wm.baseUrl() + "/v1").generate(ASK))
                .expectErrorSatisfies(e -> assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)))
                .verify(BOUND);
    }

    @Test
    void stream429RetryAfter() {
        wm.stubFor(post("/v1/responses").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withHeader("Content-Type", JSON).withBody("{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\"}}")));
        StepVerifier.create(client(wm.baseUrl() + "/v1").stream(ASK))
                .expectErrorSatisfies(e -> assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)))
                .verify(BOUND);
    }

    @Test
    void generate5xxHtml() {
        LocalServer s = serve((req, res) -> res.status(502).header("Content-Type", "text/html")
                .sendString(Mono.just("<html><head><title>502 Bad Gateway</title></head></html>")).then());
        generateFails(client(s.baseUrl()), ServerException.class, "502 Bad Gateway");
    }

    @Test
    void stream5xxHtml() {
        LocalServer s = serve((req, res) -> res.status(503).header("Content-Type", "text/html")
                .sendString(Mono.just("<html><head><title>Service Unavailable</title></head></html>")).then());
        streamFails(client(s.baseUrl()), ServerException.class, "Service Unavailable");
    }

    @Test
    void generate200HtmlBody() {
        LocalServer s = serve((req, res) -> send(res, "text/html", "<html>hello</html>"));
        generateFails(client(s.baseUrl()), MalformedResponseException.class, "not JSON");
    }

    @Test
    void stream200NonSseContentType() {
        LocalServer s = serve((req, res) -> send(res, JSON, BODY));
        streamFails(client(s.baseUrl()), MalformedResponseException.class, "Expected a text/event-stream");
    }

    @Test
    void generateOneByteChunks() {
        LocalServer s = serve((req, res) -> dribble(res, JSON, BODY));
        StepVerifier.create(client(s.baseUrl()).generate(ASK))
                .assertNext(r -> assertThat(r.outputText()).isEqualTo(TEXT)).verifyComplete();
    }

    @Test
    void streamOneByteChunks() {
        LocalServer s = serve((req, res) -> dribble(res, SSE, "\uFEFF" + STREAM.replace("\n", "\r\n")));
        StepVerifier.create(client(s.baseUrl()).stream(ASK).as(ResponseStreams::assemble))
                .assertNext(r -> assertThat(r.outputText()).isEqualTo(TEXT)).expectComplete().verify(BOUND);
    }

    @Test
    void generateGzipBody() {
        LocalServer s = LocalServer.start(HttpServer.create().compress(true), (req, res) -> send(res, JSON, BODY));
        servers.add(s);
        StepVerifier.create(client(s.baseUrl()).generate(ASK))
                .assertNext(r -> assertThat(r.outputText()).isEqualTo(TEXT)).verifyComplete();
    }

    @Test
    void streamGzipBody() {
        LocalServer s = LocalServer.start(HttpServer.create().compress(true), (req, res) -> send(res, SSE, STREAM));
        servers.add(s);
        StepVerifier.create(client(s.baseUrl()).stream(ASK).as(ResponseStreams::assemble))
                .assertNext(r -> assertThat(r.outputText()).isEqualTo(TEXT)).expectComplete().verify(BOUND);
    }

    @Test
    void streamEventOverSizeLimit() {
        String huge = "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,"
                + "\"content_index\":0,\"delta\":\"" + "x".repeat(4000) + "\"}";
        LocalServer s = serve((req, res) -> send(res, SSE, ResponseFixtures.sse(ResponseFixtures.textEvents().get(0), huge)));
        StepVerifier.create(client(s.baseUrl(), b -> b.maxEventBytes(2048)).stream(ASK))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("2048"))
                .verify(BOUND);
    }

    @Test
    void streamInvalidJsonEvent() {
        LocalServer s = serve((req, res) -> send(res, SSE, ResponseFixtures.sse(ResponseFixtures.textEvents().get(0))
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n"));
        StepVerifier.create(client(s.baseUrl()).stream(ASK))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("not a valid event"))
                .verify(BOUND);
    }

    @Test
    void streamServerClosesBeforeATerminalEvent() {
        String firstEvents = ResponseFixtures.sse(ResponseFixtures.textEvents().subList(0, 6).toArray(String[]::new));
        LocalServer s = serve((req, res) -> thenClose(res, SSE, firstEvents));
        StepVerifier.create(client(s.baseUrl()).stream(ASK).as(ResponseStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(OpenAiCompatException.class);
                    assertThat(((OpenAiCompatException) e).partialResult(Response.class).outputText()).isEqualTo("Hello, wörld");
                })
                .verify(BOUND);
    }

    @Test
    void streamTerminalEventThenConnectionKeptOpen() {
        LocalServer s = serve((req, res) -> res.header("Content-Type", SSE)
                .sendString(Flux.concat(Mono.just(STREAM), Mono.never())).then());
        OpenAiCompatClient c = client(s.baseUrl());
        StepVerifier.create(c.stream(ASK).as(ResponseStreams::assemble))
                .assertNext(r -> assertThat(r.outputText()).isEqualTo(TEXT)).expectComplete().verify(BOUND);
    }
}
