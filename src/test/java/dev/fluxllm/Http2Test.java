package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** HTTP/2: streams multiplexed on one connection, RST_STREAM on cancel, GOAWAY, resets, ALPN over TLS. */
class Http2Test {

    static final Duration BOUND = Duration.ofSeconds(10);
    static final ChatRequest ASK = ChatRequest.builder().user("hi").build();

    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    <T extends AutoCloseable> T closeLater(T c) {
        closing.add(0, c);
        return c;
    }

    OpenAiCompatClient h2Client(String baseUrl, RetryPolicy retry) {
        return closeLater(OpenAiCompatClient.builder().baseUrl(baseUrl).defaultModel("m").retryPolicy(retry)
                .httpVersion(HttpVersion.HTTP_2).build());
    }

    /**
     * The decompressor is added only to streams whose response names a content-encoding (it is
     * not kept by every open stream): a gzip stream and a plain one, on one connection, both read.
     */
    @Test
    void gzipAndPlainStreamsOverOneConnection() {
        String events = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        List<String> accepted = new CopyOnWriteArrayList<>();
        LocalServer server = closeLater(LocalServer.start(HttpServer.create().protocol(HttpProtocol.H2C)
                .compress((req, res) -> req.requestHeaders().contains("x-gzip")), (req, res) -> {
            accepted.add(String.valueOf(req.requestHeaders().get("accept-encoding")));
            return res.header("Content-Type", "text/event-stream").sendString(Flux.fromArray(events.split("(?<=\n\n)")),
                    java.nio.charset.StandardCharsets.UTF_8).then();
        }));
        OpenAiCompatClient gzip = closeLater(OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                .retryPolicy(RetryPolicy.none()).httpVersion(HttpVersion.HTTP_2).header("x-gzip", "1").build());
        OpenAiCompatClient plain = h2Client(server.baseUrl(), RetryPolicy.none());
        for (int i = 0; i < 3; i++) {
            StepVerifier.create(gzip.stream(ASK).as(ChatStreams::text).collectList().map(l -> String.join("", l)))
                    .expectNext("Hello").expectComplete().verify(BOUND);
            StepVerifier.create(plain.stream(ASK).as(ChatStreams::text).collectList().map(l -> String.join("", l)))
                    .expectNext("Hello").expectComplete().verify(BOUND);
        }
        assertThat(accepted).hasSize(6).allSatisfy(a -> assertThat(a).contains("gzip"));
    }

    @Test
    void concurrentStreamsShareOneConnection() {
        ScriptedLlmServer server = closeLater(ScriptedLlmServer.builder().http2().start());
        OpenAiCompatClient client = h2Client(server.baseUrl(), RetryPolicy.none());
        // One call first: the connection and its SETTINGS exist before the burst asks for streams.
        StepVerifier.create(client.generate(ASK)).expectNextCount(1).expectComplete().verify(BOUND);
        server.setDefault(Reply.text("alpha beta gamma delta").delay(Duration.ofMillis(50)));

        int calls = 20;
        List<Mono<String>> streams = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            streams.add(client.stream(ASK).as(ChatStreams::text).collectList().map(l -> String.join("", l)).cache());
        }
        streams.forEach(Mono::subscribe);
        server.awaitRequests(calls + 1, BOUND);
        assertThat(server.openConnections()).as("%d streams in flight over one TCP connection", calls).isEqualTo(1);
        assertThat(client.activeConnections()).as("streams in flight").isPositive();

        for (Mono<String> s : streams) {
            assertThat(s.block(BOUND)).isEqualTo("alpha beta gamma delta");
        }
        Eventually.await(() -> client.activeConnections() == 0, BOUND, "every stream released");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void cancellingAStreamResetsItAndKeepsTheConnectionForTheNextCall() {
        ScriptedLlmServer server = closeLater(ScriptedLlmServer.builder().http2().start());
        OpenAiCompatClient client = h2Client(server.baseUrl(), RetryPolicy.none());
        server.enqueue(Reply.text("a b c d e f g h i j k l m n o p").delay(Duration.ofMillis(100)));

        StepVerifier.create(client.stream(ASK).as(ChatStreams::text).take(2))
                .expectNext("a", " b").expectComplete().verify(BOUND);
        server.awaitCancelledStreams(1, BOUND);
        Eventually.await(() -> client.activeConnections() == 0, BOUND, "the reset stream released");

        StepVerifier.create(client.generate(ASK)).assertNext(r -> assertThat(r.text()).isNotEmpty())
                .expectComplete().verify(BOUND);
        assertThat(server.openConnections()).as("RST_STREAM ended the call, not the connection").isEqualTo(1);
    }

    @Test
    void goAwayLetsTheStreamInFlightFinishAndTheNextCallOpensANewConnection() {
        Set<Object> connections = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        LocalServer server = closeLater(LocalServer.start(HttpServer.create().protocol(HttpProtocol.H2C)
                        .doOnConnection(c -> connections.add(c.channel().parent())),
                (req, res) -> req.receive().then(Mono.defer(() -> {
                    boolean first = requests.incrementAndGet() == 1;
                    Flux<String> body = Flux.just(FaultMatrixTest.chunk("Hel"), FaultMatrixTest.chunk("lo"),
                                    FaultMatrixTest.FINISH + FaultMatrixTest.DONE)
                            .delayElements(Duration.ofMillis(100));
                    res.withConnection(c -> {
                        if (first) {
                            // GOAWAY naming the last stream it takes: this one finishes, no new one may start here.
                            c.channel().parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                        }
                    });
                    return res.header("Content-Type", "text/event-stream").sendString(body).then();
                }))));
        OpenAiCompatClient client = h2Client(server.baseUrl(), RetryPolicy.none());

        StepVerifier.create(client.stream(ASK).as(ChatStreams::text)).expectNext("Hel", "lo").expectComplete().verify(BOUND);
        StepVerifier.create(client.stream(ASK).as(ChatStreams::text)).expectNext("Hel", "lo").expectComplete().verify(BOUND);
        assertThat(connections).as("after GOAWAY the second call needs a connection of its own").hasSize(2);
        Eventually.await(() -> client.activeConnections() == 0, BOUND, "streams released");
    }

    @Test
    void aStreamResetByTheServerIsTypedAndAGenerateIsRetried() {
        AtomicInteger requests = new AtomicInteger();
        LocalServer server = closeLater(LocalServer.start(HttpServer.create().protocol(HttpProtocol.H2C),
                (req, res) -> req.receive().then(Mono.defer(() -> {
                    if (requests.incrementAndGet() % 2 == 1) {
                        // RST_STREAM after a first chunk, as a proxy or an overloaded server does; the pause
                        // before it lets the prefix be read (a reset discards frames not yet read).
                        AtomicReference<Channel> stream = new AtomicReference<>();
                        res.withConnection(c -> stream.set(c.channel()));
                        Flux<String> body = Flux.concat(Flux.just(FaultMatrixTest.chunk("Hel")),
                                Mono.delay(Duration.ofMillis(100)).then(Mono.fromRunnable(() -> stream.get()
                                        .writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)))).thenMany(Flux.never()));
                        return res.header("Content-Type", "text/event-stream").sendString(body).then();
                    }
                    return res.header("Content-Type", "application/json")
                            .sendString(Mono.just(FaultMatrixTest.COMPLETION)).then();
                }))));
        OpenAiCompatClient streaming = h2Client(server.baseUrl(), RetryPolicy.none());
        List<String> seen = new CopyOnWriteArrayList<>();
        StepVerifier.create(streaming.stream(ASK).as(ChatStreams::text).doOnNext(seen::add))
                .expectNext("Hel")
                // As a connection closed mid-body over HTTP/1.1: a cut-off answer, never a short success.
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("cut off"))
                .verify(BOUND);
        assertThat(seen).as("the prefix before the reset").containsExactly("Hel");

        OpenAiCompatClient retrying = h2Client(server.baseUrl(), RetryPolicy.builder().maxRetries(1)
                .initialBackoff(Duration.ofMillis(1)).build());
        requests.set(0);
        StepVerifier.create(retrying.generate(ASK)).assertNext(r -> assertThat(r.text()).isEqualTo("Hello"))
                .expectComplete().verify(BOUND);
        assertThat(requests).hasValue(2);
    }

    @Test
    void overTlsAlpnChoosesHttp2(@TempDir Path dir) throws Exception {
        List<String> versions = new CopyOnWriteArrayList<>();
        SecurityTest.Tls tls = closeLater(SecurityTest.tlsServer(dir, versions,
                kmf -> HttpServer.create().protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                        .secure(spec -> spec.sslContext(Http2SslContextSpec.forServer(kmf)))));
        OpenAiCompatClient client = closeLater(OpenAiCompatClient.builder().baseUrl(SecurityTest.httpsUrl(tls))
                .defaultModel("m").trustManagerFactory(tls.trust()).httpVersion(HttpVersion.HTTP_2).build());

        StepVerifier.create(client.generate(ASK)).assertNext(r -> assertThat(r.text()).isEqualTo("Hello"))
                .expectComplete().verify(BOUND);
        StepVerifier.create(client.stream(ASK).as(ChatStreams::assemble))
                .assertNext(r -> assertThat(r.text()).isEqualTo("Hello")).expectComplete().verify(BOUND);
        assertThat(versions).containsOnly("HTTP/2.0").hasSize(2);
    }

    @Test
    void overTlsAServerWithoutHttp2GetsHttp11(@TempDir Path dir) throws Exception {
        List<String> versions = new CopyOnWriteArrayList<>();
        SecurityTest.Tls tls = closeLater(SecurityTest.tlsServer(dir, versions, SecurityTest::http11Tls));
        OpenAiCompatClient client = closeLater(OpenAiCompatClient.builder().baseUrl(SecurityTest.httpsUrl(tls))
                .defaultModel("m").trustManagerFactory(tls.trust()).httpVersion(HttpVersion.HTTP_2).build());

        StepVerifier.create(client.generate(ASK)).assertNext(r -> assertThat(r.text()).isEqualTo("Hello"))
                .expectComplete().verify(BOUND);
        assertThat(versions).containsExactly("HTTP/1.1");
    }

    @Test
    void priorKnowledgeAgainstAnHttp11OnlyServerFailsClearly() {
        ScriptedLlmServer server = closeLater(ScriptedLlmServer.start());
        OpenAiCompatClient client = h2Client(server.baseUrl(), RetryPolicy.none());
        StepVerifier.create(client.generate(ASK))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(OpenAiCompatException.class)
                        .hasMessageContaining("HTTP/2"))
                .verify(BOUND);
    }

    @Test
    void http11StaysTheDefault() {
        ScriptedLlmServer server = closeLater(ScriptedLlmServer.builder().http2().start());
        OpenAiCompatClient client = closeLater(OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m").build());
        server.setDefault(Reply.text("x y").delay(Duration.ofMillis(100)));
        List<Mono<List<String>>> streams = List.of(client.stream(ASK).as(ChatStreams::text).collectList().cache(),
                client.stream(ASK).as(ChatStreams::text).collectList().cache());
        streams.forEach(Mono::subscribe);
        server.awaitRequests(2, BOUND);
        assertThat(server.openConnections()).as("HTTP/1.1: one connection per call in flight").isEqualTo(2);
        streams.forEach(s -> assertThat(s.block(BOUND)).containsExactly("x", " y"));
    }
}
