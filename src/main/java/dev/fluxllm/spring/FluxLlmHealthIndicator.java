package dev.fluxllm.spring;

import dev.fluxllm.BackendHealth;
import dev.fluxllm.OpenAiCompatClient;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Reports one backend from a cached {@link OpenAiCompatClient#health(Duration)} probe (one
 * {@code GET /models}; a health check never sends a prompt): UP when reachable, DOWN otherwise,
 * with the status, latency and error. The result is reused for {@code cacheTtl}, so frequent
 * probes by a load balancer cost the backend at most one request per TTL.
 */
public final class FluxLlmHealthIndicator implements ReactiveHealthIndicator {

    private final OpenAiCompatClient client;
    private final Mono<Health> cached;

    /** Probes {@code client}, waiting at most {@code timeout}, and reuses the answer for {@code cacheTtl}. */
    public FluxLlmHealthIndicator(OpenAiCompatClient client, Duration timeout, Duration cacheTtl) {
        this.client = Objects.requireNonNull(client, "client");
        this.cached = Mono.defer(() -> client.health(timeout)).map(FluxLlmHealthIndicator::toHealth).cache(cacheTtl);
    }

    static Health toHealth(BackendHealth h) {
        Health.Builder b = h.reachable() ? Health.up() : Health.down();
        b.withDetail("backend", h.backend()).withDetail("status", h.status())
                .withDetail("latencyMs", h.latency().toMillis());
        if (h.error() != null) {
            b.withDetail("error", h.error());
        }
        return b.build();
    }

    @Override
    public Mono<Health> health() {
        return cached.map(h -> Health.status(h.getStatus()).withDetails(h.getDetails())
                .withDetail("baseUrl", client.baseUrl()).build());
    }
}
