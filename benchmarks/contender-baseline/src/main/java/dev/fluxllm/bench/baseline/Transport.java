package dev.fluxllm.bench.baseline;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Reactor Netty client both baselines share (h2c with prior knowledge for the HTTP/2
 * scenarios): a pool large enough for the slow-stream
 * scenarios (10,000 open streams), so the pool never queues what the peers run in parallel.
 */
final class Transport {

    private Transport() {
    }

    static HttpClient client(String baseUrl, boolean http2) {
        ConnectionProvider.Builder builder = ConnectionProvider.builder("bench")
            .maxConnections(20_000)
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(Duration.ofMinutes(5));
        if (http2) {
            // As FluxLLM sets it up: fill an open connection's streams (at most 256) before opening
            // another; without it a burst of acquires opens a connection per stream.
            builder.allocationStrategy(Http2AllocationStrategy.builder()
                .maxConnections(20_000).strictConnectionReuse(true).maxConcurrentStreams(256).build());
        }
        ConnectionProvider pool = builder.build();
        return HttpClient.create(pool)
            .protocol(http2 ? HttpProtocol.H2C : HttpProtocol.HTTP11)
            .baseUrl(baseUrl)
            .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer sk-bench")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
    }
}
