package dev.fluxllm.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Runs an OpenAI-compatible HTTP server on 127.0.0.1 that answers with scripted replies, for
 * testing reactive code against {@code /v1/chat/completions} and {@code /v1/models} without a
 * real model.
 * <pre>{@code
 * try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
 *     server.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
 *     server.enqueue(Reply.text("It is sunny in Paris."));
 *     // point the client under test at server.baseUrl(), then:
 *     assertThat(server.awaitRequests(2, Duration.ofSeconds(5)).get(1).json().path("messages").size()).isEqualTo(3);
 * }
 * }</pre>
 *
 * <p>Each chat-completion request takes the next {@linkplain #enqueue(Reply) enqueued} reply;
 * when the queue is empty it gets the {@linkplain #setDefault(Reply) default} reply, which is
 * {@link Reply#echo()} unless set. Other endpoints ignore the queue. Unknown paths get a 404 with an
 * OpenAI-style error body; a known path with the wrong method gets a 405. Every response carries
 * an {@code x-request-id} ({@code req_<n>}).
 *
 * <p>The server runs on its own single event-loop thread (a daemon), never on Reactor Netty's
 * global resources, so {@link #close()} leaves clients' connection pools alone. It is thread-safe;
 * starting and stopping take milliseconds, so one server per test is fine.
 */
public final class ScriptedLlmServer implements AutoCloseable {

    /** Model reported by {@code /v1/models} and echoed when a request names none, unless {@link Builder#models} says otherwise. */
    public static final String DEFAULT_MODEL = "scripted-model";

    /** Longest wait for binding and for shutting down. */
    static final Duration LIFECYCLE_TIMEOUT = Duration.ofSeconds(5);

    private final LoopResources loops;
    private final DisposableServer server;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Open client connections; shutting the event loop down does not reliably close them. */
    private final Set<io.netty.channel.Channel> connections = ConcurrentHashMap.newKeySet();

    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private volatile Reply fallback = Reply.echo();
    private final RequestLog log;
    private final StreamStats stats = new StreamStats();

    private ScriptedLlmServer(Builder builder) {
        this.log = new RequestLog(builder.requestLogLimit);
        RequestRouter router = new RequestRouter(builder.models, this::nextReply, log, stats);
        // Own loop, one daemon thread: closing it must not touch the global resources client tests use,
        // and a sample's JVM must be able to exit without close().
        this.loops = LoopResources.create("scripted-llm", 1, true);
        try {
            HttpServer http = HttpServer.create();
            if (builder.http2) {
                http = http.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C);
            }
            this.server = http
                    .host("127.0.0.1")
                    .port(builder.port)
                    .runOn(loops)
                    .doOnConnection(this::track)
                    .handle(router::handle)
                    .bindNow(LIFECYCLE_TIMEOUT);
        } catch (RuntimeException e) {
            loops.disposeLater(Duration.ZERO, LIFECYCLE_TIMEOUT).block(LIFECYCLE_TIMEOUT);
            throw e;
        }
    }

    /** Starts a server on an ephemeral loopback port with the default options; blocks until it is bound. */
    public static ScriptedLlmServer start() {
        return builder().start();
    }

    /** Returns a builder for a server with options. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the base URL including {@code /v1}, such as {@code http://127.0.0.1:41234/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Returns the port the server listens on. */
    public int port() {
        return server.port();
    }

    // ---- script ------------------------------------------------------------------------------

    /** Adds a reply for a later chat-completion request; requests take replies first in, first out. */
    public ScriptedLlmServer enqueue(Reply reply) {
        script.add(Objects.requireNonNull(reply, "reply must not be null"));
        return this;
    }

    /** Sets the reply given when the queue is empty (default: {@link Reply#echo()}). */
    public ScriptedLlmServer setDefault(Reply reply) {
        this.fallback = Objects.requireNonNull(reply, "reply must not be null");
        return this;
    }

    private Reply nextReply() {
        Reply scripted = script.poll();
        return scripted != null ? scripted : fallback;
    }

    /** Returns how many enqueued replies no request has taken yet. */
    public int pendingReplies() {
        return script.size();
    }

    // ---- recorded requests -------------------------------------------------------------------

    /** Returns every request received so far, to any path, in arrival order; a snapshot. */
    public List<RecordedRequest> requests() {
        return log.snapshot();
    }

    /**
     * Returns the latest request received.
     *
     * @throws IllegalStateException when none arrived yet
     */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("lastRequest: no request received yet");
        }
        return all.get(all.size() - 1);
    }

    /** Returns how many requests arrived so far, to any path. */
    public int requestCount() {
        return log.count();
    }

    /**
     * Waits until at least {@code count} requests arrived and returns them all. Blocks the
     * calling thread: call it from a test thread, never from an event loop (use
     * {@link #whenRequests(int)} there).
     *
     * @throws AssertionError when they did not arrive within {@code timeout}
     */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        await(log.reaches(count), timeout,
                () -> "expected " + count + " requests within " + timeout + ", got " + requestCount());
        return requests();
    }

    /** Returns a Mono that emits all requests once at least {@code count} arrived; cold. */
    public Mono<List<RecordedRequest>> whenRequests(int count) {
        return log.reaches(count);
    }

    // ---- streams -----------------------------------------------------------------------------

    /**
     * Returns how many chat-completion responses (streamed or not, including hangs) the server is
     * writing right now. 0 after a test means nothing is left open.
     */
    public int activeStreams() {
        return stats.active();
    }

    /** Returns how many chat-completion responses the server wrote to the end (cut-off replies included). */
    public long completedStreams() {
        return stats.completed();
    }

    /**
     * Returns how many chat-completion responses ended before the server finished writing them,
     * because the client cancelled or disconnected.
     */
    public long cancelledStreams() {
        return stats.cancelled();
    }

    /**
     * Waits until at least {@code count} responses were cancelled by their clients. Blocks the
     * calling thread: call it from a test thread (use {@link #whenCancelledStreams(int)} elsewhere).
     *
     * @throws AssertionError when that did not happen within {@code timeout}
     */
    public void awaitCancelledStreams(int count, Duration timeout) {
        await(stats.cancelledReaches(count), timeout,
                () -> "expected " + count + " cancelled streams within " + timeout + ", got " + cancelledStreams());
    }

    /** Returns a Mono that completes once at least {@code count} responses were cancelled by their clients; cold. */
    public Mono<Void> whenCancelledStreams(int count) {
        return stats.cancelledReaches(count).then();
    }

    /** Returns the client connections open now (TCP connections: over HTTP/2 one carries many calls). */
    public int openConnections() {
        return connections.size();
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Stops the server: closes the listening socket and every open connection, and shuts down its
     * event loop. Blocks for milliseconds; idempotent. Never touches Reactor Netty's global resources.
     */
    /**
     * Stops the server, closes the connections still open (a client waiting on a hung reply sees
     * the close at once) and frees its event loop; completes when all of that is done. Never blocks.
     */
    public Mono<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return Mono.empty();
        }
        return Mono.fromRunnable(server::dispose).then(server.onDispose())
                .then(Mono.when(connections.stream().map(c -> Mono.<Void>create(sink ->
                        c.close().addListener(f -> sink.success()))).toList()))
                .timeout(LIFECYCLE_TIMEOUT)
                .onErrorResume(e -> Mono.empty())
                // Quiet period zero: nothing is expected to arrive any more, so do not linger.
                .then(loops.disposeLater(Duration.ZERO, LIFECYCLE_TIMEOUT));
    }

    /**
     * Closes like {@link #closeAsync()}, waiting for it; on a non-blocking thread (an event loop)
     * it starts the close and returns at once instead.
     */
    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            closeAsync().subscribe();
            return;
        }
        closeAsync().block(LIFECYCLE_TIMEOUT.multipliedBy(3));
    }

    /** Returns the base URL and the counts, for test failure messages. */
    @Override
    public String toString() {
        return "ScriptedLlmServer{" + baseUrl() + ", requests=" + requestCount() + ", pendingReplies="
                + pendingReplies() + ", activeStreams=" + activeStreams() + "}";
    }

    /**
     * Remembers each channel once, for {@link #closeAsync()}. Called for every request: a keep-alive
     * connection carries many, and a close listener per request would keep every one of them (and
     * its response) in memory until the channel closes.
     */
    private void track(Connection connection) {
        // Over HTTP/2 the connection handed over is a stream; its parent is the TCP connection.
        io.netty.channel.Channel channel = connection.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel
                ? connection.channel().parent() : connection.channel();
        if (connections.add(channel)) {
            channel.closeFuture().addListener(f -> connections.remove(channel));
        }
    }

    private static void await(Mono<?> condition, Duration timeout, Supplier<String> failure) {
        // A future rather than a Reactor timeout: real time even inside a test that uses virtual time.
        Future<?> future = condition.toFuture();
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(failure.get());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting: " + failure.get(), e);
        } catch (ExecutionException e) {
            throw new AssertionError(failure.get(), e.getCause());
        }
    }

    /** Builds a {@link ScriptedLlmServer} with options; each setter validates its argument. */
    public static final class Builder {

        private List<String> models = List.of(DEFAULT_MODEL);
        private int port;
        private int requestLogLimit = Integer.MAX_VALUE;
        private boolean http2;

        private Builder() {
        }

        /**
         * Sets the model ids that {@code /v1/models} lists; the first is echoed when a request names
         * no model. Default: {@value ScriptedLlmServer#DEFAULT_MODEL}.
         */
        public Builder models(String... ids) {
            if (ids.length == 0) {
                throw new IllegalArgumentException("models: empty (expected: at least one model id)");
            }
            for (String id : ids) {
                if (id == null || id.isEmpty()) {
                    throw new IllegalArgumentException("models: null or empty id (expected: non-empty ids)");
                }
            }
            this.models = List.of(ids);
            return this;
        }

        /** Sets the port to listen on (default 0: an ephemeral port chosen by the system). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
            }
            this.port = port;
            return this;
        }

        /**
         * Keeps only the last {@code max} requests for {@link #requests()} (default: all), so a long
         * load test does not grow the heap; {@link #requestCount()} still counts every one.
         */
        public Builder requestLogLimit(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("requestLogLimit: " + max + " (expected: at least 1)");
            }
            this.requestLogLimit = max;
            return this;
        }

        /**
         * Also speaks HTTP/2 in the clear (h2c, with prior knowledge or by upgrade) beside HTTP/1.1
         * (default: HTTP/1.1 only).
         */
        public Builder http2() {
            this.http2 = true;
            return this;
        }

        /** Starts the server; blocks until it is bound (milliseconds). */
        public ScriptedLlmServer start() {
            return new ScriptedLlmServer(this);
        }
    }
}
