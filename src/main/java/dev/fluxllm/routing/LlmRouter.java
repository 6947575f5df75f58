package dev.fluxllm.routing;

import dev.fluxllm.BackendHealth;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ModelInfo;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.Providers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Sends each request to one of several named clients (backends). The backend is, in order: the
 * one the request names ({@link ChatRequest.Builder#backend(String)}); the one in the subscriber's
 * Reactor {@code Context} under {@link #BACKEND_KEY}; the first (in registration order) whose
 * {@link OpenAiCompatClient#serves(String) model patterns} match the request's model; the default
 * backend (the first registered unless set). {@link #route(ChatRequest)} tells the choice without
 * sending anything; decisions are logged at DEBUG under {@code dev.fluxllm.routing.LlmRouter}.
 *
 * <p>With {@link Builder#failover(boolean) failover} on, a call that fails with a retryable error
 * (after the backend's own retries) moves to the next backend that can take it, in registration
 * order: one that serves the request's model, or, when the request names none, one with a default
 * model. A stream fails over only while nothing has reached the subscriber. A request pinned to a
 * backend (by name or Context) never fails over.
 *
 * <p>The router does not own its clients: closing them is the caller's job.
 *
 * <pre>{@code
 * LlmRouter router = LlmRouter.builder()
 *     .backend(Providers.vllm().modelPatterns("qwen*").build())
 *     .backend(Providers.openAi().defaultModel("gpt-4o-mini").modelPatterns("gpt-*").build())
 *     .failover(true)
 *     .build();
 * router.generate(ChatRequest.builder().model("qwen2.5-7b").user("Hi").build());
 * }</pre>
 */
public final class LlmRouter {

    /** The Reactor {@code Context} key naming the backend a call should use. */
    public static final String BACKEND_KEY = "fluxllm.backend";
    /** Default longest wait of one backend's health probe: 5 s. */
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = Loggers.getLogger(LlmRouter.class);

    private final Map<String, OpenAiCompatClient> backends;
    private final String defaultBackend;
    private final boolean failover;
    private final Duration healthTimeout;

    private LlmRouter(Builder b) {
        this.backends = Collections.unmodifiableMap(new LinkedHashMap<>(b.backends));
        this.defaultBackend = b.defaultBackend != null ? b.defaultBackend : b.backends.keySet().iterator().next();
        this.failover = b.failover;
        this.healthTimeout = b.healthTimeout;
    }

    /** Starts a router; at least one backend is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the name of the backend {@code request} goes to, ignoring any Context. */
    public String route(ChatRequest request) {
        return route(request, Context.empty());
    }

    /**
     * Returns the name of the backend {@code request} goes to when subscribed with {@code context}.
     *
     * @throws IllegalArgumentException when the request or context names an unknown backend
     */
    public String route(ChatRequest request, ContextView context) {
        return decide(request, context).backend;
    }

    private record Decision(String backend, String reason, boolean pinned) {
    }

    private Decision decide(ChatRequest request, ContextView context) {
        Objects.requireNonNull(request, "request");
        if (request.backend() != null) {
            return new Decision(known(request.backend(), "request backend"), "named on the request", true);
        }
        Object fromContext = context.getOrDefault(BACKEND_KEY, null);
        if (fromContext != null) {
            return new Decision(known(fromContext.toString(), "Context " + BACKEND_KEY), "named in the Context", true);
        }
        if (request.model() != null) {
            for (Map.Entry<String, OpenAiCompatClient> e : backends.entrySet()) {
                if (e.getValue().serves(request.model())) {
                    return new Decision(e.getKey(), "serves model " + request.model(), false);
                }
            }
        }
        return new Decision(defaultBackend, "default", false);
    }

    private String known(String name, String what) {
        if (!backends.containsKey(name)) {
            throw new IllegalArgumentException(what + " names an unknown backend: " + name + " (expected one of "
                    + backends.keySet() + ")");
        }
        return name;
    }

    /** Returns the order a call tries backends in: the chosen one, then the failover candidates. */
    private List<String> plan(ChatRequest request, ContextView context) {
        Decision d = decide(request, context);
        if (log.isDebugEnabled()) {
            log.debug("Routing model {} to backend {} ({})", request.model(), d.backend, d.reason);
        }
        List<String> order = new ArrayList<>();
        order.add(d.backend);
        if (failover && !d.pinned) {
            for (Map.Entry<String, OpenAiCompatClient> e : backends.entrySet()) {
                OpenAiCompatClient c = e.getValue();
                boolean fits = request.model() != null ? c.serves(request.model()) : c.defaultModel() != null;
                if (!e.getKey().equals(d.backend) && fits) {
                    order.add(e.getKey());
                }
            }
        }
        return order;
    }

    /** Sends a chat completion to the routed backend; see the class comment for failover. */
    public Mono<ChatResponse> generate(ChatRequest request) {
        return Mono.deferContextual(ctx -> generate(request, plan(request, ctx), 0));
    }

    private Mono<ChatResponse> generate(ChatRequest request, List<String> order, int i) {
        return backends.get(order.get(i)).generate(request)
                .onErrorResume(e -> i + 1 < order.size() && retryable(e), e -> {
                    log.warn("Backend {} failed ({}); failing over to {}", order.get(i), e.getMessage(), order.get(i + 1));
                    return generate(request, order, i + 1);
                });
    }

    /**
     * Streams a chat completion from the routed backend; fails over only while no chunk has
     * reached the subscriber. Cancelling closes the connection of the backend in use.
     */
    public Flux<ChatChunk> stream(ChatRequest request) {
        return Flux.deferContextual(ctx -> stream(request, plan(request, ctx), 0));
    }

    private Flux<ChatChunk> stream(ChatRequest request, List<String> order, int i) {
        return Flux.defer(() -> {
            boolean[] started = {false};
            return backends.get(order.get(i)).stream(request)
                    .doOnNext(c -> started[0] = true)
                    .onErrorResume(e -> !started[0] && i + 1 < order.size() && retryable(e), e -> {
                        log.warn("Backend {} failed before streaming ({}); failing over to {}", order.get(i),
                                e.getMessage(), order.get(i + 1));
                        return stream(request, order, i + 1);
                    });
        });
    }

    private static boolean retryable(Throwable e) {
        return e instanceof OpenAiCompatException oe && oe.isRetryable();
    }

    /** Lists the models of every backend, in registration order; fails when any backend fails. */
    public Mono<List<ModelInfo>> models() {
        return Flux.fromIterable(backends.values())
                .concatMap(c -> c.models().flatMapIterable(list -> list))
                .collectList();
    }

    /** Lists the models of one backend. */
    public Mono<List<ModelInfo>> models(String backend) {
        return Mono.defer(() -> backends.get(known(backend, "backend")).models());
    }

    /**
     * Probes every backend at once with {@code GET /models} (200, 401 and 403 mean reachable),
     * each bounded by the health timeout. Never fails; the map keeps registration order.
     */
    public Mono<Map<String, BackendHealth>> health() {
        return Flux.fromIterable(backends.entrySet())
                .flatMapSequential(e -> e.getValue().health(healthTimeout)
                        .map(h -> new BackendHealth(e.getKey(), h.reachable(), h.status(), h.latency(), h.error())))
                .collect(LinkedHashMap<String, BackendHealth>::new, (m, h) -> m.put(h.backend(), h))
                .map(Collections::unmodifiableMap);
    }

    /** Returns the backends by name, in registration order. */
    public Map<String, OpenAiCompatClient> backends() {
        return backends;
    }

    /** Returns the default backend's name. */
    public String defaultBackend() {
        return defaultBackend;
    }

    @Override
    public String toString() {
        return "LlmRouter[backends=" + backends.keySet() + ", default=" + defaultBackend + ", failover=" + failover + "]";
    }

    /** Builds an {@link LlmRouter}. */
    public static final class Builder {
        private final Map<String, OpenAiCompatClient> backends = new LinkedHashMap<>();
        private String defaultBackend;
        private boolean failover;
        private Duration healthTimeout = DEFAULT_HEALTH_TIMEOUT;

        private Builder() {
        }

        /** Adds a backend under the client's {@link OpenAiCompatClient#name() name}. */
        public Builder backend(OpenAiCompatClient client) {
            return backend(Objects.requireNonNull(client, "client").name(), client);
        }

        /** Adds a backend under {@code name}; names are unique. */
        public Builder backend(String name, OpenAiCompatClient client) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("backend name must not be blank");
            }
            Objects.requireNonNull(client, "client");
            if (backends.putIfAbsent(name, client) != null) {
                throw new IllegalArgumentException("backend name is already used: " + name);
            }
            return this;
        }

        /** Names the backend used when nothing else decides (default: the first added). */
        public Builder defaultBackend(String name) {
            this.defaultBackend = Objects.requireNonNull(name, "defaultBackend");
            return this;
        }

        /** Turns failover to the next fitting backend on retryable errors on or off (default off). */
        public Builder failover(boolean failover) {
            this.failover = failover;
            return this;
        }

        /** Sets the longest wait of each backend's health probe (default 5 s). */
        public Builder healthTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("healthTimeout must be positive, got " + timeout);
            }
            this.healthTimeout = timeout;
            return this;
        }

        /** Builds the router; fails without backends or with an unknown default. */
        public LlmRouter build() {
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("backends must not be empty: add at least one backend");
            }
            if (defaultBackend != null && !backends.containsKey(defaultBackend)) {
                throw new IllegalArgumentException("defaultBackend names an unknown backend: " + defaultBackend
                        + " (expected one of " + backends.keySet() + ")");
            }
            return new LlmRouter(this);
        }
    }
}
