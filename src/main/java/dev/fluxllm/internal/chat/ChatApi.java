package dev.fluxllm.internal.chat;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ModelInfo;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.assembly.ResponseAssembler;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.ChunkReader;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.json.RequestWriter;
import dev.fluxllm.internal.json.WireError;
import dev.fluxllm.internal.retry.RetrySupport;
import dev.fluxllm.internal.transport.HttpReply;
import dev.fluxllm.internal.transport.HttpTransport;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs the chat conversations over the transport: {@code POST /chat/completions} whole or
 * streamed, and {@code GET /models}, each with the retry policy.
 */
public final class ChatApi {

    private final HttpTransport transport;
    private final RetryPolicy retryPolicy;
    /** Makes each attempt's decoder; one for the client, not a lambda per call that the open stream keeps. */
    private final Function<String, ChatStreamDecoder> decoders;

    public ChatApi(HttpTransport transport, RetryPolicy retryPolicy, int maxEventBytes) {
        this.transport = transport;
        this.retryPolicy = retryPolicy;
        this.decoders = requestId -> new ChatStreamDecoder(maxEventBytes, requestId);
    }

    /** Sends a non-streaming completion request; retried as the policy allows. */
    public Mono<ChatResponse> generate(ChatRequest request, String model) {
        return Mono.deferContextual(ctx -> {
            byte[] body = RequestWriter.write(request, model, false);
            return transport.exchange(HttpMethod.POST, "/chat/completions", body)
                    .map(ChatApi::toResponse)
                    .retryWhen(RetrySupport.spec(retryPolicy, RetrySupport.listenerFrom(ctx)));
        });
    }

    /**
     * Sends a streaming completion request. Retried as the policy allows until the first chunk
     * has reached the subscriber; never after, so no token is delivered twice.
     */
    public Flux<ChatChunk> stream(ChatRequest request, String model) {
        return Flux.deferContextual(ctx -> {
            byte[] body = RequestWriter.write(request, model, true);
            return RetrySupport.untilFirstItem(transport.stream("/chat/completions", body,
                            decoders, ChatApi::nonStreamReply),
                    retryPolicy, RetrySupport.listenerFrom(ctx));
        });
    }

    /** Lists the server's models. */
    public Mono<List<ModelInfo>> models() {
        return Mono.deferContextual(ctx -> transport.exchange(HttpMethod.GET, "/models", null)
                .map(ChatApi::toModels)
                .retryWhen(RetrySupport.spec(retryPolicy, RetrySupport.listenerFrom(ctx))));
    }

    /** Turns a non-2xx reply into its typed error; 3xx says that redirects are not followed. */
    public static OpenAiCompatException statusError(HttpReply reply) {
        if (reply.status() / 100 == 3) {
            String location = reply.headers().get("location");
            return ExceptionFactory.fromStatus(reply.status(), reply.reason()
                            + " (redirect to " + (location == null ? "?" : location) + " not followed)",
                    reply.body(), meta(reply));
        }
        return ExceptionFactory.fromStatus(reply.status(), reply.reason(), reply.body(), meta(reply));
    }

    /** Returns the headers an error needs. */
    public static ExceptionFactory.Meta meta(HttpReply reply) {
        return new ExceptionFactory.Meta(reply.requestId(), reply.headers().get("retry-after-ms"),
                reply.headers().get("retry-after"), reply.headers().get("x-should-retry"));
    }

    private static Throwable nonStreamReply(HttpReply reply) {
        if (reply.status() / 100 != 2) {
            return statusError(reply);
        }
        WireError error = dev.fluxllm.internal.json.ErrorBodyReader.read(reply.body());
        if (error != null) {
            return ExceptionFactory.streamError(error, reply.requestId());
        }
        return ExceptionFactory.malformed("Expected a text/event-stream response to a stream request, got "
                + reply.headers().get("content-type") + ": " + ExceptionFactory.cap(ExceptionFactory.snippet(reply.body())),
                reply.requestId(), false, null);
    }

    private static ChatResponse toResponse(HttpReply reply) {
        if (reply.status() / 100 != 2) {
            throw statusError(reply);
        }
        byte[] body = reply.body();
        // A UTF-8 byte order mark and blank lines (DeepSeek) may precede the JSON.
        int start = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB
                && (body[2] & 0xFF) == 0xBF ? 3 : 0;
        while (start < body.length && Character.isWhitespace(body[start])) {
            start++;
        }
        if (start == body.length) {
            throw ExceptionFactory.malformed("Empty response body (HTTP " + reply.status() + ")",
                    reply.requestId(), false, null);
        }
        ChunkReader reader = ChunkReader.forCompletion();
        ChatChunk chunk;
        try {
            chunk = reader.read(body, start, body.length - start);
        } catch (JacksonException | ChunkReader.NotAnObjectException e) {
            throw ExceptionFactory.malformed("Response body is not a JSON object ("
                    + e.getMessage().lines().findFirst().orElse("") + "): "
                    + ExceptionFactory.snippet(body), reply.requestId(), false, e);
        }
        if (chunk == null) {
            throw ExceptionFactory.streamError(reader.error(), reply.requestId());
        }
        if (!reader.hadChoices()) {
            throw ExceptionFactory.malformed("Response has no 'choices': " + ExceptionFactory.snippet(body),
                    reply.requestId(), false, null);
        }
        if (chunk.choices().isEmpty()) {
            // Not an empty answer: the server sent none (a filter, a broken proxy). Never pass it off as "".
            throw ExceptionFactory.malformed("Response has an empty 'choices' array: the server returned no answer: "
                    + ExceptionFactory.snippet(body), reply.requestId(), body);
        }
        if (reader.choiceWithoutBody()) {
            throw ExceptionFactory.malformed("Response has a choice without 'message': "
                    + ExceptionFactory.snippet(body), reply.requestId(), false, null);
        }
        ResponseAssembler assembler = new ResponseAssembler();
        assembler.add(chunk);
        return assembler.build();
    }

    private static List<ModelInfo> toModels(HttpReply reply) {
        if (reply.status() / 100 != 2) {
            throw statusError(reply);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(reply.body());
        } catch (JacksonException e) {
            throw ExceptionFactory.malformed("Model list is not JSON: " + ExceptionFactory.snippet(reply.body()),
                    reply.requestId(), false, e);
        }
        JsonNode data = root == null ? null : root.isArray() ? root : root.get("data");
        if (data == null || !data.isArray()) {
            throw ExceptionFactory.malformed("Model list has no 'data' array: " + ExceptionFactory.snippet(reply.body()),
                    reply.requestId(), false, null);
        }
        List<ModelInfo> models = new ArrayList<>(data.size());
        for (JsonNode m : data) {
            JsonNode id = m.get("id");
            if (id == null || !id.isString()) {
                continue;
            }
            JsonNode owner = m.get("owned_by");
            JsonNode created = m.get("created");
            models.add(new ModelInfo(id.asString(), owner == null || owner.isNull() ? "" : owner.asString(),
                    created != null && created.isNumber() ? created.asLong() : 0));
        }
        return List.copyOf(models);
    }
}
