package dev.fluxllm.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Serves scripted byte sequences from an in-process Reactor Netty server on port 0, with exact
 * control over what is flushed when (reactor-netty {@code BaseHttpTest} style). Counts requests,
 * keeps their bodies, and tells when the client closed its connection.
 */
public final class ScriptedHttpServer implements AutoCloseable {

    /** Answers the n-th request (1-based). */
    @FunctionalInterface
    public interface Handler {
        Publisher<Void> handle(int attempt, HttpServerRequest request, HttpServerResponse response);
    }

    /** One thing the server does while answering: write and flush bytes, wait, close, reset, hang. */
    public sealed interface Step permits Write, Pause, Close, Reset, Hang {
    }

    public record Write(byte[] bytes) implements Step {
    }

    public record Pause(Duration duration) implements Step {
    }

    public record Close() implements Step {
    }

    public record Reset() implements Step {
    }

    public record Hang() implements Step {
    }

    private final DisposableServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final Set<Integer> closedAttempts = ConcurrentHashMap.newKeySet();
    private volatile Handler handler = (n, req, res) -> res.status(404).send();

    public ScriptedHttpServer() {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .childOption(ChannelOption.SO_SNDBUF, 32 * 1024)
                .doOnConnection(c -> c.onDispose(closedConnections::incrementAndGet))
                .handle((req, res) -> {
                    int attempt = requests.incrementAndGet();
                    req.withConnection(c -> c.onDispose(() -> closedAttempts.add(attempt)));
                    return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .flatMap(body -> {
                                bodies.add(body);
                                return Mono.from(handler.handle(attempt, req, res));
                            });
                })
                .bindNow();
    }

    /** Returns the base URL of the OpenAI-style API, {@code http://127.0.0.1:port/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** Sets how the following requests are answered. */
    public void handle(Handler handler) {
        this.handler = handler;
    }

    /** Answers every request with the same event-stream script. */
    public void serve(Step... steps) {
        handle((n, req, res) -> eventStream(res, steps));
    }

    /** Returns how many requests arrived. */
    public int requests() {
        return requests.get();
    }

    /** Returns the request bodies received, in order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** Returns how many server-side connections have closed. */
    public int closedConnections() {
        return closedConnections.get();
    }

    /** Waits, bounded, until the connection that carried the n-th request (1-based) has closed. */
    public void awaitClosed(int attempt, Duration timeout) {
        Eventually.await(() -> closedAttempts.contains(attempt), timeout,
                "server saw the connection of request " + attempt + " closed");
    }

    /** Waits, bounded, until at least {@code count} server-side connections have closed. */
    public void awaitClosedConnections(int count, Duration timeout) {
        Eventually.await(() -> closedConnections.get() >= count, timeout,
                "server saw " + count + " connection(s) closed, saw " + closedConnections.get());
    }

    /** Sends 200 {@code text/event-stream; charset=utf-8} and then the steps, each write flushed alone. */
    public static Publisher<Void> eventStream(HttpServerResponse res, Step... steps) {
        return res.status(200).header("Content-Type", "text/event-stream; charset=utf-8")
                .header("x-request-id", "req-test")
                .send(Flux.fromArray(steps).concatMap(step -> play(res, step)), b -> true);
    }

    private static Publisher<ByteBuf> play(HttpServerResponse res, Step step) {
        if (step instanceof Write w) {
            return Mono.fromSupplier(() -> Unpooled.wrappedBuffer(w.bytes()));
        }
        if (step instanceof Pause p) {
            return Mono.delay(p.duration()).then(Mono.empty());
        }
        if (step instanceof Close) {
            return Mono.<ByteBuf>fromRunnable(() -> res.withConnection(c -> c.channel().close()))
                    .concatWith(Mono.never());
        }
        if (step instanceof Reset) {
            return Mono.<ByteBuf>fromRunnable(() -> res.withConnection(ScriptedHttpServer::reset))
                    .concatWith(Mono.never());
        }
        return Mono.never();
    }

    /** Closes the connection with a TCP reset instead of a clean close. */
    public static void reset(Connection c) {
        c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        c.channel().close();
    }

    public static Step write(String text) {
        return new Write(text.getBytes(StandardCharsets.UTF_8));
    }

    public static Step write(byte[] bytes) {
        return new Write(bytes);
    }

    /** Writes {@code data: json} and the blank line. */
    public static Step event(String json) {
        return write("data: " + json + "\n\n");
    }

    public static Step pause(long millis) {
        return new Pause(Duration.ofMillis(millis));
    }

    /** Closes the connection cleanly (FIN) mid-response. */
    public static Step cut() {
        return new Close();
    }

    /** Resets the connection (RST) mid-response. */
    public static Step rst() {
        return new Reset();
    }

    public static Step hang() {
        return new Hang();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    /** Waits for a latch; for tests only, never on an event loop. */
    public static void await(CountDownLatch latch, Duration timeout, String what) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(what + " (not within " + timeout.toMillis() + " ms)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + " (interrupted)", e);
        }
    }
}
