package dev.fluxllm.internal.endpoints;

import dev.fluxllm.Capabilities;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.internal.observe.CallTracer;
import java.util.Objects;
import java.util.function.Function;

/**
 * Gives capability packages the machinery of a client that its public API does not show: its
 * endpoint calls (transport, retry policy) and its listeners. The client registers the accessor
 * when its class initialises; only it can, once.
 *
 * @param endpoints     the client's calls to any path, with its auth, timeouts and retries
 * @param tracer        the client's listeners
 * @param defaultModel  the client's default model, null when none
 * @param capabilities  what the client's backend can do
 */
public record ClientParts(EndpointCalls endpoints, CallTracer tracer, String defaultModel, Capabilities capabilities) {

    private static volatile Function<OpenAiCompatClient, ClientParts> accessor;

    /** Registers how to read a client's parts; called once by {@link OpenAiCompatClient}. */
    public static synchronized void register(Function<OpenAiCompatClient, ClientParts> access) {
        if (accessor != null) {
            throw new IllegalStateException("client parts are already registered");
        }
        accessor = Objects.requireNonNull(access, "access");
    }

    /** Returns the parts of {@code client}. */
    public static ClientParts of(OpenAiCompatClient client) {
        Objects.requireNonNull(client, "client");
        // A client instance exists, so its class initialised and registered the accessor.
        return accessor.apply(client);
    }

    /** Returns the request's model, else the default; fails naming the field when neither is set. */
    public String model(String requested) {
        String m = requested != null ? requested : defaultModel;
        if (m == null) {
            throw new IllegalArgumentException("model is not set: name one on the request or set the client's defaultModel");
        }
        return m;
    }
}
