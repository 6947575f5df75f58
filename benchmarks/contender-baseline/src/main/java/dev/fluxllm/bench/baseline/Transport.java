package dev.fluxllm.bench.baseline;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Reactor Netty client both baselines share: a pool large enough for the slow-stream
 * scenarios (10,000 open streams), so the pool never queues what the peers run in parallel.
 */
final class Transport {

    private Transport() {
    }

    static HttpClient client(String baseUrl) {
        ConnectionProvider pool = ConnectionProvider.builder("bench")
            .maxConnections(20_000)
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(Duration.ofMinutes(5))
            .build();
        return HttpClient.create(pool)
            .baseUrl(baseUrl)
            .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer sk-bench")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
    }
}
