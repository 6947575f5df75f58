package dev.fluxllm.support;

import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Runs an in-process Reactor Netty HTTP server on a free loopback port, for faults WireMock cannot
 * script: byte-by-byte writes, stalls behind keep-alive comments, open connections after
 * {@code [DONE]}, thousands of concurrent streams.
 */
public final class LocalServer implements AutoCloseable {

    private final DisposableServer server;

    private LocalServer(DisposableServer server) {
        this.server = server;
    }

    /** Starts a server that answers every request with the handler. */
    public static LocalServer start(BiFunction<? super HttpServerRequest, ? super HttpServerResponse,
            ? extends Publisher<Void>> handler) {
        return new LocalServer(HttpServer.create().host("127.0.0.1").port(0).handle(handler).bindNow());
    }

    /** Starts a server from a configured {@link HttpServer} (TLS, compression), on a free loopback port. */
    public static LocalServer start(HttpServer configured, BiFunction<? super HttpServerRequest,
            ? super HttpServerResponse, ? extends Publisher<Void>> handler) {
        return new LocalServer(configured.host("127.0.0.1").port(0).handle(handler).bindNow());
    }

    /** Returns the base URL with the {@code /v1} prefix, e.g. {@code http://127.0.0.1:12345/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** Returns the bound port. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
