package dev.fluxllm.responses;

import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.ToolCall;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.endpoints.ClientParts;
import dev.fluxllm.internal.endpoints.EndpointCalls;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.WireError;
import dev.fluxllm.internal.schema.TypeBinding;
import dev.fluxllm.internal.transport.CallObserver;
import dev.fluxllm.internal.transport.HttpReply;
import dev.fluxllm.structured.RefusalException;
import dev.fluxllm.structured.StructuredOutputException;
import dev.fluxllm.structured.StructuredOutputs;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Calls the Responses API ({@code POST /responses}) through a client: its auth, timeouts, retry
 * policy and listeners, exactly as for chat completions. The client's
 * {@code generate(ResponseRequest)}, {@code stream(ResponseRequest)} and
 * {@code generate(ResponseRequest, Class)} delegate here.
 */
public final class Responses {

    /** The path under the base URL. */
    public static final String PATH = "/responses";

    private Responses() {
    }

    /**
     * Sends the request and emits the whole response; retried as the client's policy allows. A
     * response with status {@code failed} fails with {@code StreamErrorException} (its code and
     * message); {@code incomplete} is a response, with its reason.
     */
    public static Mono<Response> generate(OpenAiCompatClient client, ResponseRequest request) {
        Objects.requireNonNull(request, "request");
        return Mono.defer(() -> {
            ClientParts parts = ClientParts.of(client);
            String model = parts.model(request.model());
            byte[] body = RequestBody.write(request, model, false);
            return parts.tracer().mono("responses", PATH, model, request, parts.endpoints().post(PATH, body, Responses::read),
                    Response::usage);
        });
    }

    /**
     * Streams the response: one {@link ResponseEvent} per server-sent event, unknown types
     * included. Completes after {@code response.completed} or {@code response.incomplete};
     * {@code response.failed} and {@code error} end it with {@code StreamErrorException}; events
     * out of sequence order, or a body that ends before a terminal event, with
     * {@code MalformedResponseException}. Reads the network only as the subscriber requests;
     * cancelling closes the connection; retried only until the first event reached the subscriber.
     */
    public static Flux<ResponseEvent> stream(OpenAiCompatClient client, ResponseRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            ClientParts parts = ClientParts.of(client);
            String model = parts.model(request.model());
            byte[] body = RequestBody.write(request, model, true);
            EndpointCalls endpoints = parts.endpoints();
            Flux<ResponseEvent> events = Flux.deferContextual(ctx -> {
                CallObserver observer = CallObserver.from(ctx);
                return endpoints.stream(PATH, body,
                        id -> new ResponseEventDecoder(endpoints.maxEventBytes(), id, observer::warning));
            });
            return parts.tracer().flux("responses.stream", PATH, model, request, events, Responses::carriesTokens,
                    Responses::usageOf);
        });
    }

    /**
     * Asks for a {@code T} ({@code text.format}: the strict JSON Schema of the type) and emits it,
     * validated and mapped. Fails with {@link RefusalException} when the model refused, and with
     * {@link StructuredOutputException} when the answer is incomplete (its {@code finishReason()}
     * is the incomplete reason), not JSON, breaks the schema or cannot be mapped; the failure
     * carries the response: {@code e.partialResult(Response.class)}.
     */
    public static <T> Mono<T> generate(OpenAiCompatClient client, ResponseRequest request, Class<T> type) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(type, "type");
        return TypeBinding.async(type).flatMap(binding -> generate(client, request.toBuilder().textFormat(type).build())
                .map(response -> typed(response, type)));
    }

    private static <T> T typed(Response response, Class<T> type) {
        String text = response.outputText();
        StructuredOutputException failure = null;
        if (!response.refusal().isEmpty()) {
            failure = new RefusalException(response.refusal(), text, response.incompleteReason(), null);
        } else if ("incomplete".equals(response.status())) {
            failure = new StructuredOutputException("The response is incomplete (" + response.incompleteReason()
                    + ") after " + text.length() + " characters: raise maxOutputTokens", text, List.of(),
                    response.incompleteReason(), null, false, null);
        } else {
            try {
                return StructuredOutputs.parse(text, type);
            } catch (StructuredOutputException e) {
                failure = e;
            }
        }
        failure.attachPartialResult(response);
        throw failure;
    }

    private static Response read(HttpReply reply) {
        JsonNode root = EndpointCalls.tree(reply, "Response");
        if (!root.isObject() || (!root.has("output") && !root.has("status"))) {
            throw EndpointCalls.malformed(reply, "Response has no 'output'");
        }
        Response response = ResponseJson.response(root);
        if ("failed".equals(response.status())) {
            ResponseError e = response.error();
            throw ExceptionFactory.streamError(new WireError("response failed: "
                    + (e == null || e.message().isEmpty() ? "the server reported the response failed" : e.message()),
                    "response.failed", e == null ? null : e.code(), null, 0), reply.requestId());
        }
        return response;
    }

    private static boolean carriesTokens(ResponseEvent event) {
        return event instanceof ResponseEvent.OutputTextDelta || event instanceof ResponseEvent.FunctionCallArgumentsDelta
                || event instanceof ResponseEvent.RefusalDelta || event instanceof ResponseEvent.ReasoningSummaryTextDelta
                || event instanceof ResponseEvent.ReasoningTextDelta;
    }

    private static Usage usageOf(ResponseEvent event) {
        if (event instanceof ResponseEvent.Completed c) {
            return c.response().usage();
        }
        if (event instanceof ResponseEvent.Incomplete i) {
            return i.response().usage();
        }
        return null;
    }

    /** Returns the calls of a response as input items to echo back (for stateless conversations). */
    static List<InputItem> echo(List<ToolCall> calls) {
        return calls.stream().map(c -> InputItem.functionCall(c.id(), c.name(), c.arguments())).toList();
    }
}
