package dev.fluxllm.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Handles one HTTP exchange: records the request, then dispatches it by method and path to the
 * scripted chat reply, the model list, or an OpenAI-style 404/405.
 */
final class RequestRouter {

    static final String CHAT_PATH = "/v1/chat/completions";
    static final String MODELS_PATH = "/v1/models";
    static final String RESPONSES_PATH = "/v1/responses";

    private final List<String> models;
    private final long createdAt = System.currentTimeMillis() / 1000;
    private final Supplier<Reply> nextReply;
    private final RequestLog log;
    private final StreamStats stats;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param models    listed by {@code /v1/models}; the first is echoed when a request names none
     * @param nextReply gives the reply for each chat request: the next scripted one or the default
     */
    RequestRouter(List<String> models, Supplier<Reply> nextReply, RequestLog log, StreamStats stats) {
        this.models = models;
        this.nextReply = nextReply;
        this.log = log;
        this.stats = stats;
    }

    Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    RecordedRequest recorded = new RecordedRequest(request.method().name(), request.uri(),
                            headersOf(request), body);
                    log.add(recorded);
                    long number = sequence.incrementAndGet();
                    response.header("x-request-id", "req_" + number);
                    return route(recorded, response, number);
                });
    }

    private Mono<Void> route(RecordedRequest request, HttpServerResponse response, long number) {
        String path = request.path();
        if (path.equals(CHAT_PATH)) {
            return request.method().equals("POST") ? chat(request, response, number) : notAllowed(request, response);
        }
        if (path.equals(RESPONSES_PATH)) {
            return request.method().equals("POST") ? chat(request, response, number) : notAllowed(request, response);
        }
        if (path.equals(MODELS_PATH)) {
            return request.method().equals("GET")
                    ? json(response, 200, WireJson.modelsBody(models, createdAt))
                    : notAllowed(request, response);
        }
        return json(response, 404, WireJson.errorBody("Invalid URL (" + request.method() + " " + path + ")",
                "invalid_request_error", null));
    }

    private Mono<Void> chat(RecordedRequest request, HttpServerResponse response, long number) {
        ReplySpec spec;
        try {
            spec = nextReply.get().resolve(request);
        } catch (Throwable e) {
            // Make a broken responder visible in the test that caused it, not as a hang; this also
            // reports BlockHound's error when a responder blocks the event loop.
            Exceptions.throwIfJvmFatal(e);
            spec = Reply.error(500, "ScriptedLlmServer: the Reply.from function failed: " + e).spec();
        }
        String model = request.model().isEmpty() ? models.get(0) : request.model();
        ReplyWriter writer = new ReplyWriter(response);
        String id = request.path().equals(RESPONSES_PATH) ? "resp_scripted_" + number : "chatcmpl-scripted-" + number;
        return writer.writeUntilClosed(spec, request, id, model)
                .doOnSubscribe(s -> stats.started())
                // Anything short of the whole script (cancel, failed write, close) means the client went away.
                .doFinally(signal -> stats.ended(writer.finished()));
    }

    private static Mono<Void> notAllowed(RecordedRequest request, HttpServerResponse response) {
        return json(response, 405, WireJson.errorBody("Method " + request.method() + " not allowed for "
                + request.path(), "invalid_request_error", "method_not_allowed"));
    }

    private static Mono<Void> json(HttpServerResponse response, int status, String body) {
        return response.status(status)
                .header("Content-Type", "application/json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8)
                .then();
    }

    private static Map<String, List<String>> headersOf(HttpServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        return headers;
    }
}
