package dev.fluxllm.internal.endpoints;

import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.chat.ChatApi;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.ErrorBodyReader;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.json.WireError;
import dev.fluxllm.internal.retry.RetrySupport;
import dev.fluxllm.internal.transport.BodyDecoder;
import dev.fluxllm.internal.transport.HttpReply;
import dev.fluxllm.internal.transport.HttpTransport;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs any JSON endpoint through the client's transport (auth, timeouts) and retry policy: a
 * whole-body call, or an event stream retried only until its first item reached the subscriber.
 */
public final class EndpointCalls {

    private final HttpTransport transport;
    private final RetryPolicy retryPolicy;
    private final int maxEventBytes;

    public EndpointCalls(HttpTransport transport, RetryPolicy retryPolicy, int maxEventBytes) {
        this.transport = transport;
        this.retryPolicy = retryPolicy;
        this.maxEventBytes = maxEventBytes;
    }

    /** Returns the largest event a stream decoder may accept. */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** Posts {@code body} and maps a 2xx reply; other statuses become their typed errors. */
    public <T> Mono<T> post(String path, byte[] body, Function<HttpReply, T> parse) {
        return call(HttpMethod.POST, path, body, parse);
    }

    /** Sends {@code body} and maps a 2xx reply; other statuses become their typed errors. */
    public <T> Mono<T> call(HttpMethod method, String path, byte[] body, Function<HttpReply, T> parse) {
        return Mono.deferContextual(ctx -> transport.exchange(method, path, body)
                .map(reply -> {
                    if (reply.status() / 100 != 2) {
                        throw ChatApi.statusError(reply);
                    }
                    return parse.apply(reply);
                })
                .retryWhen(RetrySupport.spec(retryPolicy, RetrySupport.listenerFrom(ctx))));
    }

    /** Sends {@code body} expecting an event stream; retried only before the first item. */
    public <T> Flux<T> stream(String path, byte[] body, Function<String, ? extends BodyDecoder<T>> decoders) {
        return Flux.deferContextual(ctx -> {
            return RetrySupport.untilFirstItem(transport.stream(path, body, decoders, EndpointCalls::nonStreamReply),
                    retryPolicy, RetrySupport.listenerFrom(ctx));
        });
    }

    /** Parses a 2xx body as JSON; a body holding an error becomes that error. */
    public static JsonNode tree(HttpReply reply, String what) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(new String(reply.body(), StandardCharsets.UTF_8).strip());
        } catch (JacksonException e) {
            throw ExceptionFactory.malformed(what + " is not JSON: " + ExceptionFactory.snippet(reply.body()),
                    reply.requestId(), false, e);
        }
        if (root == null || root.isMissingNode()) {
            throw ExceptionFactory.malformed(what + " is empty (HTTP " + reply.status() + ")", reply.requestId(), false, null);
        }
        WireError error = root.isObject() ? ErrorBodyReader.fromTree(root) : null;
        if (error != null) {
            throw ExceptionFactory.streamError(error, reply.requestId());
        }
        return root;
    }

    /** Fails with a malformed-response error about {@code reply}. */
    public static RuntimeException malformed(HttpReply reply, String message) {
        return ExceptionFactory.malformed(message + ": " + ExceptionFactory.snippet(reply.body()),
                reply.requestId(), false, null);
    }

    private static Throwable nonStreamReply(HttpReply reply) {
        if (reply.status() / 100 != 2) {
            return ChatApi.statusError(reply);
        }
        WireError error = ErrorBodyReader.read(reply.body());
        if (error != null) {
            return ExceptionFactory.streamError(error, reply.requestId());
        }
        return ExceptionFactory.malformed("Expected a text/event-stream response to a stream request, got "
                + reply.headers().get("content-type") + ": " + ExceptionFactory.cap(ExceptionFactory.snippet(reply.body())),
                reply.requestId(), false, null);
    }
}
