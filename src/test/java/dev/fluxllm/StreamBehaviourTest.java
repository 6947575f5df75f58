package dev.fluxllm;

import static dev.fluxllm.support.ScriptedHttpServer.cut;
import static dev.fluxllm.support.ScriptedHttpServer.event;
import static dev.fluxllm.support.ScriptedHttpServer.eventStream;
import static dev.fluxllm.support.ScriptedHttpServer.hang;
import static dev.fluxllm.support.ScriptedHttpServer.pause;
import static dev.fluxllm.support.ScriptedHttpServer.rst;
import static dev.fluxllm.support.ScriptedHttpServer.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.ScriptedHttpServer;
import dev.fluxllm.support.ScriptedHttpServer.Step;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import reactor.test.StepVerifier;

/**
 * Drives the real client against an in-process Reactor Netty server that controls every byte and
 * flush: backpressure reaching the server, cancellation closing the connection, idle and response
 * timeouts, line ends and characters split across writes, and retry before (never after) the
 * first chunk.
 */
class StreamBehaviourTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);
    private static final ChatRequest REQUEST = ChatRequest.builder().user("hi").build();

    static ScriptedHttpServer server;
    OpenAiCompatClient client;
    int requestsAtStart;

    @BeforeAll
    static void start() {
        server = new ScriptedHttpServer();
        // Loads the client and transport classes once, so the tight timeouts below measure the
        // protocol and not a cold JVM.
        server.serve(event(FINISH));
        try (OpenAiCompatClient warm = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m").build()) {
            warm.stream(REQUEST).blockLast(Duration.ofSeconds(10));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noConnectionLeftInUse() {
        if (client != null) {
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "client connections released");
            client.close();
        }
    }

    /** Builds the test's client; requests from here on belong to the test. */
    private OpenAiCompatClient client(UnaryOperator<OpenAiCompatClient.Builder> options) {
        requestsAtStart = server.requests();
        client = options.apply(OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                .retryPolicy(RetryPolicy.none())).build();
        return client;
    }

    private OpenAiCompatClient client() {
        return client(b -> b);
    }

    private static RetryPolicy fastRetries() {
        return RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(20)).build();
    }

    private static String chunk(String content) {
        return "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}";
    }

    private static final String FINISH = "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";

    private void serve(Step... steps) {
        server.serve(steps);
    }

    private int requestsSinceServe() {
        return server.requests() - requestsAtStart;
    }

    /** Waits until the server saw the client close the connection of the test's first request. */
    private void serverSeesClose(Duration within) {
        server.awaitClosed(requestsAtStart + 1, within);
    }

    // ---- backpressure

    @Test
    void slowSubscriberBackpressureReachesServer() {
        AtomicInteger emitted = new AtomicInteger();
        String padding = "x".repeat(300);
        server.handle((n, req, res) -> res.status(200).header("Content-Type", "text/event-stream")
                .send(Flux.range(0, 100_000)
                        .map(i -> Unpooled.wrappedBuffer(("data: " + chunk(i + padding) + "\n\n").getBytes(StandardCharsets.UTF_8)))
                        .doOnNext(b -> emitted.incrementAndGet())));
        client();
        StepVerifier.create(client.stream(REQUEST).limitRate(1).delayElements(Duration.ofMillis(10)).take(30))
                .expectNextCount(30)
                .verifyComplete();
        int written = emitted.get();
        // ~30 consumed; the rest in flight is bounded by socket buffers and one read, not 100,000.
        assertThat(written).as("chunks the server could write").isGreaterThanOrEqualTo(30).isLessThan(5_000);
        serverSeesClose(Duration.ofSeconds(1));
        assertThat(emitted.get()).isLessThan(5_000);
        System.out.println("backpressure: server wrote " + written + " chunks while the client consumed 30");
    }

    // ---- cancellation

    private Step[] endless() {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            steps.add(event(chunk("t" + i)));
            steps.add(pause(20));
        }
        steps.add(hang());
        return steps.toArray(Step[]::new);
    }

    @Test
    void takeClosesConnection() {
        serve(endless());
        client();
        StepVerifier.create(client.stream(REQUEST).take(3).map(ChatChunk::text))
                .expectNext("t0", "t1", "t2")
                .expectComplete()
                .verify(VERIFY);
        serverSeesClose(Duration.ofSeconds(1));
    }

    /** Events e0 to e4, to be written at once so that they arrive in one read. */
    private static String fiveEvents() {
        StringBuilder five = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            five.append("data: ").append(chunk("e" + i)).append("\n\n");
        }
        return five.toString();
    }

    @Test
    void takeInsideOneReadStopsDecodingThereAndClosesConnection() {
        // Five events in one write: they arrive in one read, and the subscriber has had enough
        // after the second (asking for everything, so demand alone would not hold the rest back).
        // Nothing after it reaches anyone, and the half-read body is not pooled.
        serve(write(fiveEvents()), hang());
        client();
        List<String> seen = new ArrayList<>();
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text).doOnNext(seen::add).take(2, false))
                .expectNext("e0", "e1")
                .expectComplete()
                .verify(VERIFY);
        assertThat(seen).containsExactly("e0", "e1");
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void itemsOfOneReadWaitForDemandInOrder() {
        serve(write(fiveEvents() + "data: " + FINISH + "\n\ndata: [DONE]\n\n"));
        client();
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text), 0)
                .thenRequest(1)
                .expectNext("e0")
                .thenRequest(2)
                .expectNext("e1", "e2")
                .thenRequest(Long.MAX_VALUE)
                .expectNext("e3", "e4", "")
                .expectComplete()
                .verify(VERIFY);
    }

    @Test
    void timeoutOperatorClosesConnection() {
        serve(event(chunk("a")), hang());
        client();
        StepVerifier.create(client.stream(REQUEST).timeout(Duration.ofMillis(200)))
                .expectNextCount(1)
                .expectError(TimeoutException.class)
                .verify(VERIFY);
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void disposeClosesConnection() {
        serve(endless());
        client();
        CountDownLatch first = new CountDownLatch(1);
        Disposable subscription = client.stream(REQUEST).subscribe(c -> first.countDown());
        ScriptedHttpServer.await(first, VERIFY, "first chunk");
        subscription.dispose();
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void cancelBeforeHeadersClosesConnection() {
        server.handle((n, req, res) -> Mono.never());
        client();
        CountDownLatch arrived = new CountDownLatch(1);
        server.handle((n, req, res) -> {
            arrived.countDown();
            return Mono.never();
        });
        Disposable subscription = client.stream(REQUEST).subscribe();
        ScriptedHttpServer.await(arrived, VERIFY, "request arrived");
        subscription.dispose();
        serverSeesClose(Duration.ofSeconds(1));
    }

    // ---- timeouts

    @Test
    void keepAliveCommentsDoNotResetIdleTimeout() {
        List<Step> steps = new ArrayList<>(List.of(event(chunk("a"))));
        for (int i = 0; i < 40; i++) {
            steps.add(pause(50));
            steps.add(write(": ping\n\n"));
        }
        steps.add(hang());
        serve(steps.toArray(Step[]::new));
        client(b -> b.streamIdleTimeout(Duration.ofMillis(300)));
        long start = System.nanoTime();
        StepVerifier.create(client.stream(REQUEST))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("streamIdleTimeout"))
                .verify(VERIFY);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void slowSubscriberIsNotAnIdleServer() {
        // Everything arrives at once; the subscriber then takes longer than the idle timeout
        // between requests. The server was not silent while anyone waited: no timeout.
        serve(event(chunk("a")), event(chunk("b")), event(chunk("c")), event(FINISH), write("data: [DONE]\n\n"));
        client(b -> b.streamIdleTimeout(Duration.ofMillis(200)));
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text), 1)
                .expectNext("a")
                .thenAwait(Duration.ofMillis(400))
                .thenRequest(1)
                .expectNext("b")
                .thenAwait(Duration.ofMillis(400))
                .thenRequest(2)
                .expectNext("c", "")
                .verifyComplete();
    }

    @Test
    void idleTimeoutRunsOnlyWhileTheSubscriberWaits() {
        serve(event(chunk("a")), hang());
        client(b -> b.streamIdleTimeout(Duration.ofMillis(200)));
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text), 1)
                .expectNext("a")
                .thenAwait(Duration.ofMillis(400))
                .thenRequest(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class))
                .verify(VERIFY);
    }

    @Test
    void headersThenSilenceTimesOut() {
        serve(hang());
        client(b -> b.streamIdleTimeout(Duration.ofMillis(300)));
        StepVerifier.create(client.stream(REQUEST))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("streamIdleTimeout"))
                .verify(VERIFY);
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void noHeadersTimesOutWithResponseTimeout() {
        server.handle((n, req, res) -> Mono.never());
        client(b -> b.responseTimeout(Duration.ofMillis(300)).streamIdleTimeout(Duration.ofSeconds(10)));
        StepVerifier.create(client.stream(REQUEST))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("responseTimeout"))
                .verify(VERIFY);
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void timeoutRetriedBeforeFirstChunk() {
        server.handle((n, req, res) -> n == requestsAtStart + 1 ? Mono.never()
                : eventStream(res, event(chunk("ok")), event(FINISH), write("data: [DONE]\n\n")));
        client(b -> b.responseTimeout(Duration.ofMillis(200)).retryPolicy(fastRetries()));
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::text))
                .expectNext("ok")
                .verifyComplete();
        assertThat(requestsSinceServe()).isEqualTo(2);
    }

    // ---- bytes split across network writes

    @Test
    void crlfSplitBetweenCrAndLfIsOneLineEnd() {
        serve(write("data: {\"id\":\"c1\",\r"), pause(30),
                write("\ndata: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\"}}]}\r"), pause(30),
                write("\n\r"), pause(30), write("\n"),
                write("data: " + FINISH + "\r\n\r"), pause(30), write("\ndata: [DONE]\r\n\r\n"), hang());
        client();
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                .expectNext("one", "")
                .verifyComplete();
    }

    @Test
    void utf8CharacterSplitAcrossWrites() {
        byte[] bytes = ("data: " + chunk("h\u00e9llo \ud83c\udf0d!") + "\n\n").getBytes(StandardCharsets.UTF_8);
        int emoji = indexOf(bytes, (byte) 0xF0);
        int e = indexOf(bytes, (byte) 0xC3);
        serve(write(Arrays.copyOfRange(bytes, 0, e + 1)), pause(20),
                write(Arrays.copyOfRange(bytes, e + 1, emoji + 2)), pause(20),
                write(Arrays.copyOfRange(bytes, emoji + 2, emoji + 3)), pause(20),
                write(Arrays.copyOfRange(bytes, emoji + 3, bytes.length)),
                event(FINISH), write("data: [DONE]\n\n"));
        client();
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::text))
                .expectNext("h\u00e9llo \ud83c\udf0d!")
                .verifyComplete();
    }

    @Test
    void leadingBomSplitAcrossWritesIsIgnored() {
        serve(write(new byte[] {(byte) 0xEF, (byte) 0xBB}), pause(20), write(new byte[] {(byte) 0xBF}),
                event(chunk("x")), event(FINISH), write("data: [DONE]\n\n"));
        client();
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::text))
                .expectNext("x")
                .verifyComplete();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }

    // ---- retry before the first chunk, never after

    @Test
    void status503ThenSuccessIsRetried() {
        server.handle((n, req, res) -> n == requestsAtStart + 1
                ? res.status(503).header("Content-Type", "application/json")
                        .sendString(Mono.just("{\"error\":{\"message\":\"Loading model\",\"type\":\"unavailable_error\",\"code\":503}}"))
                : eventStream(res, event(chunk("ok")), event(FINISH), write("data: [DONE]\n\n")));
        client(b -> b.retryPolicy(fastRetries()));
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::text)).expectNext("ok").verifyComplete();
        assertThat(requestsSinceServe()).isEqualTo(2);
    }

    @Test
    void resetBeforeHeadersIsRetried() {
        server.handle((n, req, res) -> {
            if (n == requestsAtStart + 1) {
                res.withConnection(ScriptedHttpServer::reset);
                return Mono.never();
            }
            return eventStream(res, event(chunk("ok")), event(FINISH), write("data: [DONE]\n\n"));
        });
        client(b -> b.retryPolicy(fastRetries()));
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::text)).expectNext("ok").verifyComplete();
        assertThat(requestsSinceServe()).isEqualTo(2);
    }

    @Test
    void cutBeforeAnyDataEventIsRetried() {
        server.handle((n, req, res) -> n == requestsAtStart + 1
                ? eventStream(res, write(": keep-alive\n\n"), pause(20), cut())
                : eventStream(res, event(chunk("ok")), event(FINISH), write("data: [DONE]\n\n")));
        client(b -> b.retryPolicy(fastRetries()));
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::text)).expectNext("ok").verifyComplete();
        assertThat(requestsSinceServe()).isEqualTo(2);
    }

    @Test
    void cutAfterTwoChunksIsNotRetried() {
        serve(event(chunk("a")), event(chunk("b")), pause(20), cut());
        client(b -> b.retryPolicy(fastRetries()));
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(MalformedResponseException.class).hasMessageContaining("cut off");
                    assertThat(((OpenAiCompatException) e).partialResponse().text()).isEqualTo("ab");
                    assertThat(((OpenAiCompatException) e).attempts()).isEqualTo(1);
                })
                .verify(VERIFY);
        assertThat(requestsSinceServe()).isEqualTo(1);
    }

    @Test
    void resetAfterTwoChunksIsNotRetried() {
        serve(event(chunk("a")), event(chunk("b")), pause(20), rst());
        client(b -> b.retryPolicy(fastRetries()));
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                .expectNext("a", "b")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfAny(ConnectionException.class,
                        MalformedResponseException.class))
                .verify(VERIFY);
        assertThat(requestsSinceServe()).isEqualTo(1);
    }

    @Test
    void reactorNettyDoesNotResendOnReset() {
        server.handle((n, req, res) -> {
            res.withConnection(ScriptedHttpServer::reset);
            return Mono.never();
        });
        client();
        StepVerifier.create(client.stream(REQUEST))
                .expectError(ConnectionException.class)
                .verify(VERIFY);
        assertThat(requestsSinceServe()).isEqualTo(1);
    }

    @Test
    void reactorNettyDoesNotResendOnCleanCloseBeforeHeaders() {
        server.handle((n, req, res) -> {
            res.withConnection(c -> c.channel().close());
            return Mono.never();
        });
        client();
        StepVerifier.create(client.stream(REQUEST))
                .expectError(ConnectionException.class)
                .verify(VERIFY);
        assertThat(requestsSinceServe()).isEqualTo(1);
    }

    // ---- end of stream

    @Test
    void doneWhileServerKeepsConnectionOpenCompletesAndReleases() {
        serve(event(chunk("a")), write("data: [DONE]\n\n"), hang());
        client();
        long start = System.nanoTime();
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::assemble))
                .assertNext(r -> assertThat(r.text()).isEqualTo("a"))
                .verifyComplete();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(1), "connection released");
        serverSeesClose(Duration.ofSeconds(1));
    }

    @Test
    void closeAfterEveryChoiceFinishedDeliversEveryChunkToASlowSubscriber() {
        // The last read holds three events; the connection then closes without the final chunk
        // of the chunked body while the subscriber has asked for one event only.
        serve(write("data: " + chunk("a") + "\n\ndata: " + chunk("b") + "\n\ndata: " + FINISH + "\n\n"),
                pause(50), cut());
        client();
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text), 1)
                .expectNext("a")
                .thenAwait(Duration.ofMillis(300))
                .thenRequest(1)
                .expectNext("b")
                .thenRequest(1)
                .expectNext("")
                .verifyComplete();
    }

    @Test
    void resetAfterBufferedChunksDeliversThemBeforeTheError() {
        serve(write("data: " + chunk("a") + "\n\ndata: " + chunk("b") + "\n\n"), pause(50), rst());
        client();
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text), 1)
                .expectNext("a")
                .thenAwait(Duration.ofMillis(300))
                .thenRequest(1)
                .expectNext("b")
                .expectError(ConnectionException.class)
                .verify(VERIFY);
    }

    /** Serves one raw HTTP response whose body ends when the server closes the connection. */
    private static DisposableServer closeDelimited(String body) {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
        return TcpServer.create().host("127.0.0.1").port(0)
                .handle((in, out) -> in.receive().take(1)
                        .then(out.sendString(Mono.just(head + body)).then()))
                .bindNow();
    }

    @Test
    void closeDelimitedBodyAfterEveryChoiceFinishedCompletes() {
        DisposableServer raw = closeDelimited("data: " + chunk("a") + "\n\ndata: " + FINISH + "\n\n");
        try {
            client(b -> b.baseUrl("http://127.0.0.1:" + raw.port() + "/v1"));
            StepVerifier.create(client.stream(REQUEST).as(ChatStreams::assemble))
                    .assertNext(r -> assertThat(r.text()).isEqualTo("a"))
                    .verifyComplete();
        } finally {
            raw.disposeNow(VERIFY);
        }
    }

    @Test
    void closeDelimitedBodyCutOffFails() {
        DisposableServer raw = closeDelimited("data: " + chunk("a") + "\n\n");
        try {
            client(b -> b.baseUrl("http://127.0.0.1:" + raw.port() + "/v1"));
            StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                    .expectNext("a")
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                            .hasMessageContaining("cut off"))
                    .verify(VERIFY);
        } finally {
            raw.disposeNow(VERIFY);
        }
    }

    @Test
    void connectionReusedAfterStreamReadToItsEnd() {
        serve(event(chunk("a")), event(FINISH));
        client();
        for (int i = 0; i < 3; i++) {
            ChatResponse r = client.stream(REQUEST).as(ChatStreams::assemble).block(VERIFY);
            assertThat(r.text()).isEqualTo("a");
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(1), "connection released");
        }
    }
}
