package dev.fluxllm;

/**
 * The HTTP version a client speaks, set with {@link OpenAiCompatClient.Builder#httpVersion(HttpVersion)}.
 *
 * <p>Over HTTP/2 many calls share one connection as streams: a cancelled call resets its stream
 * ({@code RST_STREAM}) and leaves the connection to the others, and a server's {@code GOAWAY}
 * lets the streams in flight finish while new calls open a new connection.
 */
public enum HttpVersion {

    /** HTTP/1.1, one call per connection at a time (the default: every OpenAI-compatible server speaks it). */
    HTTP_1_1,

    /**
     * HTTP/2: over {@code https}, offered by ALPN next to HTTP/1.1, so a server that only speaks
     * HTTP/1.1 still works; over plain {@code http}, h2c with prior knowledge, for servers and
     * proxies that accept it (gRPC-style gateways, Envoy, hypercorn, nginx with {@code http2 on}).
     */
    HTTP_2
}
