package dev.fluxllm.internal.transport;

import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.error.Secrets;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.HttpClientState;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.AddressUtils;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Sends requests over one Reactor Netty {@link HttpClient} with its own connection pool: the only
 * class that touches Reactor Netty. Every method returns a cold publisher; each subscription sends
 * the request afresh, which is what makes retrying correct.
 *
 * <p>Reactor Netty's own retry-once is off (a server may already be generating), redirects are
 * not followed, and cancelling a call closes its connection.
 */
public final class HttpTransport implements AutoCloseable {

    private static final Logger log = Loggers.getLogger("dev.fluxllm.transport");
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final int MAX_ROUTES = 32;
    /** How long a stream waits for the end of the body after {@code [DONE]} before closing the connection. */

    private final TransportConfig config;
    private final ConnectionProvider pool;
    private final PoolStats poolStats = new PoolStats();
    private final OpenStreams streams = new OpenStreams();
    private final HttpClient jsonClient;
    private final HttpClient sseClient;
    private final String query;
    /** The base URL's path prefix (e.g. {@code /v1}); host and port are set on the client once. */
    private final String pathPrefix;
    private final Secrets secrets;
    /** Ended by close(): every call in flight (and any later one) ends with a ConnectionException. */
    private final OpenCalls openCalls = new OpenCalls();
    private final WatchSettings watchSettings;
    /** The timeouts of all calls, on the scheduler they were made for; see {@link #deadlines()}. */
    private volatile Deadlines deadlines;
    /** The streamed calls' routes by path, at most {@link #MAX_ROUTES}. */
    private final Map<String, StreamRoute> routes = new ConcurrentHashMap<>();

    public HttpTransport(TransportConfig config) {
        this(config, null);
    }

    /**
     * Creates a transport that appends a query string to every request URI.
     *
     * @param query an encoded query without the leading {@code ?} (e.g. {@code api-version=2024-10-21}),
     *              null or empty for none
     */
    public HttpTransport(TransportConfig config, String query) {
        this.config = config;
        this.query = query == null || query.isEmpty() ? "" : "?" + query;
        URI base = URI.create(config.baseUrl());
        boolean https = "https".equalsIgnoreCase(base.getScheme());
        this.pathPrefix = base.getRawPath() == null ? "" : base.getRawPath();
        this.secrets = Secrets.fromHeaders(config.headers());
        this.watchSettings = new WatchSettings(config.responseTimeout(), config.idleTimeout(), openCalls);
        ConnectionProvider.Builder poolBuilder = ConnectionProvider.builder(config.poolName())
                .maxConnections(config.maxConnections())
                .pendingAcquireMaxCount(config.pendingAcquireMaxCount())
                .pendingAcquireTimeout(config.pendingAcquireTimeout())
                .pendingAcquireTimer(PendingAcquireTimer.INSTANCE)
                .maxIdleTime(Duration.ofSeconds(30))
                .metrics(true, () -> poolStats);
        if (config.http2()) {
            // Strict reuse: a burst fills the open connection's streams before it opens another.
            poolBuilder.allocationStrategy(Http2AllocationStrategy.builder()
                    .maxConnections(config.maxConnections())
                    .strictConnectionReuse(true)
                    // At most 256 streams a connection: with 10,000 on one, releasing them all at once
                    // ended most of them "connection closed" (benchmarks/NOTES.md); servers offer 100 to 250.
                    .maxConcurrentStreams(256)
                    .build());
        }
        this.pool = poolBuilder.build();
        // Host and port are given apart rather than in each request URI: parsed once, and Reactor
        // Netty's URI parsing misreads one-digit ports ("127.0.0.1:9" as a host name). One address
        // for every request, made as host() and port() would make it (a numeric IP resolved, a
        // name left to the resolver): those make two new ones per request, and an open stream
        // keeps its own (about 100 B with its resolved IP).
        InetSocketAddress remote = AddressUtils.createUnresolved(
                base.getHost().startsWith("[") ? base.getHost().substring(1, base.getHost().length() - 1) : base.getHost(),
                base.getPort() >= 0 ? base.getPort() : https ? 443 : 80);
        HttpClient client = HttpClient.create(pool)
                .remoteAddress(() -> remote)
                .disableRetry(true)
                .followRedirect(false)
                .compress(config.compress())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .headers(h -> {
                    config.headers().forEach(h::set);
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                });
        if (config.http2()) {
            // Only for HTTP/2: HttpClient.protocol() loads Reactor Netty's TLS defaults, the JDK's
            // whole TLS stack with them (about 400 classes, a tenth of a second at start-up).
            client = client.protocol(protocols(https));
        }
        if (https) {
            client = secure(client, config.tls(), config.http2());
        }
        if (config.http2()) {
            // One observer for all streams, not a doOnRequest hook (which costs every request its
            // own callback holder, kept while the stream is open).
            client = client.observe((connection, state) -> {
                // Once per stream channel, before its request is sent.
                if (state == HttpClientState.STREAM_CONFIGURED) {
                    streams.track(connection.channel());
                    StreamReads.configure(connection.channel());
                    StreamResets.watch(connection, config.compress());
                }
            });
        }
        this.jsonClient = client.headers(h -> h.set(HttpHeaderNames.ACCEPT, "application/json"));
        this.sseClient = client.headers(h -> h.set(HttpHeaderNames.ACCEPT, "text/event-stream"));
    }

    /** HTTP/2 over TLS is offered by ALPN beside HTTP/1.1; in the clear it can only be h2c with prior knowledge. */
    private static HttpProtocol[] protocols(boolean https) {
        return https ? new HttpProtocol[] {HttpProtocol.H2, HttpProtocol.HTTP11} : new HttpProtocol[] {HttpProtocol.H2C};
    }

    private static HttpClient secure(HttpClient client, TlsSettings tls, boolean http2) {
        if (tls == null) {
            return client.secure();
        }
        Consumer<SslContextBuilder> trust = builder -> {
            if (tls.insecureTrustAll()) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (tls.trustManagerFactory() != null) {
                builder.trustManager(tls.trustManagerFactory());
            }
        };
        if (http2) {
            // Http2SslContextSpec adds the ALPN configuration (h2, http/1.1) and HTTP/2's cipher rules.
            Http2SslContextSpec spec = Http2SslContextSpec.forClient().configure(trust);
            return client.secure(s -> s.sslContext(spec));
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            trust.accept(builder);
            var context = builder.build();
            return client.secure(spec -> spec.sslContext(context));
        } catch (SSLException e) {
            throw new IllegalArgumentException("TLS settings are not usable: " + e.getMessage(), e);
        }
    }

    /** Returns the connections currently handed out by the pool, over HTTP/2 the open streams (0 when idle). */
    public int activeConnections() {
        // An HTTP/2 connection stays acquired by the pool while it lives: count the streams instead.
        return config.http2() ? streams.size() : poolStats.acquired();
    }

    /** Sends a {@code GET} without retries and emits the whole reply, whatever its status. */
    public Mono<HttpReply> get(String path) {
        return exchange(HttpMethod.GET, path, null);
    }

    /**
     * Sends a request and aggregates the whole response (any status), at most
     * {@code maxResponseBytes}. Transport failures arrive as typed exceptions.
     */
    public Mono<HttpReply> exchange(HttpMethod method, String path, byte[] body) {
        String what = method + " " + config.baseUrl() + path;
        return Mono.deferContextual(ctx -> {
            CallObserver observer = CallObserver.from(ctx);
            observer.attemptStarted();
            CallWatch<HttpReply> watch = new CallWatch<>(deadlines(), watchSettings, what);
            long start = System.nanoTime();
            HttpClient.ResponseReceiver<?> receiver = body == null
                    ? jsonClient.request(method).uri(uri(path))
                    : jsonClient.request(method).uri(uri(path)).send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
            Flux<HttpReply> call = receiver.responseConnection((resp, conn) -> {
                watch.headersArrived();
                observer.responseHeaders(resp.status().code(), resp.responseHeaders()::get);
                boolean success = resp.status().code() / 100 == 2;
                return collect(conn, success ? config.maxResponseBytes() : MAX_ERROR_BODY, !success, watch, what)
                        .map(bytes -> new HttpReply(resp.status().code(), resp.status().reasonPhrase(),
                                resp.responseHeaders(), success ? bytes : secrets.redact(bytes)))
                        .doOnNext(r -> {
                            if (log.isDebugEnabled()) {
                                log.debug("{} -> {} in {} ms", what, r.status(), (System.nanoTime() - start) / 1_000_000);
                            }
                        });
            });
            // single(), not next(): cancelling after the reply would close a connection that is fine to reuse.
            return watch.guard(call, null, null).single();
        });
    }

    /**
     * Sends a request expecting a server-sent event stream and decodes it read by read, as demand
     * allows. A non-2xx status becomes the typed error for it; a 2xx that is not
     * {@code text/event-stream} becomes {@code MalformedResponseException} (or the error its body
     * holds). The decoder is made per attempt from the response's {@code x-request-id}. Completing on {@link BodyDecoder#isDone()}, cancelling or failing closes the connection.
     */
    public <T> Flux<T> stream(String path, byte[] body, Function<String, ? extends BodyDecoder<T>> decoders,
                              Function<HttpReply, Throwable> nonStreamReply) {
        StreamRoute route = route(path);
        return Flux.deferContextual(ctx -> {
            CallObserver observer = CallObserver.from(ctx);
            observer.attemptStarted();
            CallWatch<T> watch = new CallWatch<>(deadlines(), watchSettings, route.what());
            return watch.guard(route.call(), StreamExchange.KEY,
                    new StreamExchange<>(body, decoders, nonStreamReply, observer, watch));
        });
    }

    /**
     * Returns the deadlines on {@code Schedulers.parallel()} as it is now: looked up per call, since
     * virtual-time tests replace it; calls made on a scheduler replaced since keep their own deadlines.
     */
    private Deadlines deadlines() {
        Scheduler scheduler = Schedulers.parallel();
        Deadlines d = deadlines;
        if (d == null || d.scheduler != scheduler) {
            // Two threads may each make one at the switch: both work, each for its own calls.
            d = new Deadlines(scheduler);
            deadlines = d;
        }
        return d;
    }

    /**
     * Returns the request to {@code path}, built once: every attempt finds its own state in its
     * context ({@link StreamExchange}). A few routes are kept; more (callers' own paths) are built per call.
     */
    private StreamRoute route(String path) {
        StreamRoute route = routes.get(path);
        if (route == null) {
            @SuppressWarnings("unchecked")
            Flux<Object> call = (Flux<Object>) sseClient.post().uri(uri(path))
                    .send((request, out) -> out.send(Mono.fromSupplier(StreamExchange.of(request.currentContextView())::body)))
                    .responseConnection(this::respond);
            route = new StreamRoute("POST " + config.baseUrl() + path, call);
            if (routes.size() < MAX_ROUTES) {
                StreamRoute known = routes.putIfAbsent(path, route);
                route = known == null ? route : known;
            }
        }
        return route;
    }

    /** Handles the response of a streamed call's attempt: its status, then its body read by read. */
    private Publisher<Object> respond(HttpClientResponse resp, Connection conn) {
        StreamExchange<Object> exchange = StreamExchange.of(resp.currentContextView());
        exchange.headersArrived();
        // Sent by now, and read by nothing after the status line (redirects are not followed):
        // an open stream need not keep them. Reactor Netty keeps both header maps per request.
        resp.requestHeaders().clear();
        CallWatch<Object> watch = exchange.watch;
        exchange.observer.responseHeaders(resp.status().code(), resp.responseHeaders()::get);
        if (log.isDebugEnabled()) {
            log.debug("{} -> {} (stream)", watch.what(), resp.status().code());
        }
        if (resp.status().code() / 100 != 2 || !isEventStream(resp.responseHeaders())) {
            return collect(conn, MAX_ERROR_BODY, true, watch, watch.what()).flatMapMany(bytes -> Flux.error(
                    exchange.nonStreamReply.apply(new HttpReply(resp.status().code(),
                            resp.status().reasonPhrase(), resp.responseHeaders(), secrets.redact(bytes)))));
        }
        BodyDecoder<Object> decoder = exchange.decoders.apply(resp.responseHeaders().get("x-request-id"));
        // Read: nothing looks at them again, and an open stream would keep them for its life.
        resp.responseHeaders().clear();
        return decode(conn, decoder, watch);
    }

    /** A streamed call's path: its request, built once, and how errors name it. */
    private record StreamRoute(String what, Flux<Object> request) {
        @SuppressWarnings("unchecked")
        <T> Flux<T> call() {
            return (Flux<T>) request;
        }
    }

    private String uri(String path) {
        return pathPrefix + path + query;
    }

    private static <T> Flux<T> decode(Connection conn, BodyDecoder<T> decoder, CallWatch<?> watch) {
        return new BodyStream<>(conn, decoder, watch);
    }

    private static Mono<byte[]> collect(Connection conn, int max, boolean truncate, CallWatch<?> watch, String what) {
        return conn.inbound().receive()
                .reduce(new BodyCollector(max, truncate), (c, buf) -> {
                    watch.touch();
                    return c.add(buf);
                })
                .flatMap(c -> {
                    var reset = StreamResets.resetOf(conn);
                    return reset == null ? Mono.just(c.toByteArray()) : Mono.error(ExceptionFactory.connection(
                            "HTTP/2 stream reset by the server (" + reset.errorCode() + ") before the body was complete: " + what,
                            true, null));
                })
                .doFinally(signal -> {
                    if (signal != SignalType.ON_COMPLETE) {
                        conn.dispose();
                    }
                });
    }

    private static boolean isEventStream(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        String media = (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return media.equals("text/event-stream");
    }

    /** Frees the connection pool; calls in flight end with a connection error. */
    @Override
    public void close() {
        openCalls.closeAll();
        pool.dispose();
    }

    /**
     * Refuses new calls at once, lets the calls in flight end until {@code deadline}, then ends the
     * rest (with the error of {@link #close()}) and frees the pool. Never blocks.
     */
    public Mono<Void> closeGracefully(java.time.Duration deadline) {
        return Mono.defer(() -> openCalls.drain()
                .timeout(deadline, Mono.empty())
                .then(Mono.defer(() -> {
                    openCalls.closeAll();
                    return pool.disposeLater();
                })));
    }

    /** Frees the connection pool without blocking. */
    public Mono<Void> closeAsync() {
        return Mono.defer(() -> {
            openCalls.closeAll();
            return pool.disposeLater();
        });
    }
}
