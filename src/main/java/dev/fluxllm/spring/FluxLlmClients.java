package dev.fluxllm.spring;

import dev.fluxllm.OpenAiCompatClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.beans.factory.DisposableBean;
import reactor.core.publisher.Flux;

/**
 * The clients built from {@code fluxllm.*} ({@value #DEFAULT_NAME}, when {@code fluxllm.base-url}
 * or {@code fluxllm.provider} is set) and {@code fluxllm.clients.<name>.*}, by name. On shutdown
 * every client is closed gracefully: new calls are refused, calls in flight get up to
 * {@code fluxllm.shutdown-timeout} to finish.
 */
public final class FluxLlmClients implements DisposableBean {

    /** The name of the client configured directly under {@code fluxllm.*}. */
    public static final String DEFAULT_NAME = "default";

    private final Map<String, OpenAiCompatClient> clients;
    private final Duration shutdownTimeout;

    FluxLlmClients(Map<String, OpenAiCompatClient> clients, Duration shutdownTimeout) {
        this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Returns every client by name, the default one first. */
    public Map<String, OpenAiCompatClient> all() {
        return clients;
    }

    /** Returns the client of this name; fails naming the known ones when there is none. */
    public OpenAiCompatClient get(String name) {
        OpenAiCompatClient c = clients.get(name);
        if (c == null) {
            throw new NoSuchElementException("no FluxLLM client named '" + name + "'; configured: " + clients.keySet());
        }
        return c;
    }

    /** Returns the primary client: the default one, else the first named one. */
    public OpenAiCompatClient primary() {
        OpenAiCompatClient c = clients.get(DEFAULT_NAME);
        return c != null ? c : clients.values().iterator().next();
    }

    /** Closes every client gracefully, waiting at most the shutdown timeout (runs on the closing thread). */
    @Override
    public void destroy() {
        // Spring calls destroy() on its shutdown thread and expects it to return when done: waiting
        // here, bounded, is what lets calls in flight finish before the context goes away.
        Flux.fromIterable(clients.values())
                .flatMap(c -> c.closeGracefully(shutdownTimeout).onErrorResume(e -> {
                    c.close();
                    return reactor.core.publisher.Mono.empty();
                }))
                .then()
                .block(shutdownTimeout.plusSeconds(5));
    }

    @Override
    public String toString() {
        return "FluxLlmClients" + clients.keySet();
    }
}
