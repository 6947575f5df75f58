package dev.fluxllm.testkit;

import dev.fluxllm.testkit.ReplySpec.Ending;
import dev.fluxllm.testkit.ReplySpec.ScriptedToolCall;
import dev.fluxllm.testkit.ReplySpec.UsageCount;
import reactor.netty.Connection;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;

/**
 * Writes one resolved {@link Reply} to one HTTP response: status, headers, then the body as a
 * paced {@link Flux}, so Reactor Netty writes only as the socket allows and cancels the Flux
 * when the client goes away. Timers run on the connection's own event loop, never on a global
 * scheduler (which a test's virtual time could replace).
 */
final class ReplyWriter {

    static final String DONE = "data: [DONE]\n\n";
    static final String KEEP_ALIVE_COMMENT = ": keep-alive\n\n";
    /** JSON parsers skip leading whitespace; DeepSeek really sends blank lines before a body. */
    static final String KEEP_ALIVE_JSON = "\n";

    private final HttpServerResponse response;
    private final Connection connection;
    /** Set on the event loop when the scripted answer was fully written, before any deliberate close. */
    private volatile boolean finished;

    ReplyWriter(HttpServerResponse response) {
        this.response = response;
        Connection[] holder = new Connection[1];
        response.withConnection(c -> holder[0] = c);
        this.connection = holder[0];
    }

    /**
     * Returns the write of {@code spec}, ending early when the connection closes. Reactor Netty
     * does not always cancel a response publisher when the client leaves (a stalled or
     * headers-only response would stay open for ever), so the close is watched here.
     */
    Mono<Void> writeUntilClosed(ReplySpec spec, RecordedRequest request, String completionId, String model) {
        Mono<Void> write = write(spec, request, completionId, model);
        if (!spec.latency.isZero()) {
            write = pause(spec.latency).then(write);
        }
        return write
                .doOnSuccess(v -> finished = true)
                .takeUntilOther(connection.onDispose());
    }

    /** Returns whether the whole scripted answer was written; false after a client disconnect. */
    boolean finished() {
        return finished;
    }

    /**
     * Returns the bare write of {@code spec} (not dynamic) as the answer to {@code request}; cold.
     *
     * @param completionId the {@code id} of the completion, the same on every chunk
     * @param model        the model to echo
     */
    private Mono<Void> write(ReplySpec spec, RecordedRequest request, String completionId, String model) {
        return switch (spec.kind) {
            case HANG -> Mono.never();
            case STATUS -> withHeaders(spec, spec.status, "application/json")
                    .sendString(Mono.just(spec.body), StandardCharsets.UTF_8).then();
            case RAW -> withHeaders(spec, 200, "text/event-stream")
                    .sendByteArray(paced(Texts.bytePieces(spec.body, spec.chunkSize), spec.delay)).then();
            case COMPLETION -> {
                if (request.path().equals(RequestRouter.RESPONSES_PATH)) {
                    ResponsesWire wire = new ResponsesWire(completionId, System.currentTimeMillis() / 1000, model);
                    UsageCount usage = spec.usage != null ? spec.usage : estimateUsage(spec, request);
                    yield request.isStream() ? responsesStream(spec, wire, usage) : responsesBody(spec, wire, usage);
                }
                WireJson wire = new WireJson(completionId, System.currentTimeMillis() / 1000, model,
                        request.isStream() && request.includeUsage());
                UsageCount usage = spec.usage != null ? spec.usage : estimateUsage(spec, request);
                yield request.isStream() ? stream(spec, wire, usage) : body(spec, wire, usage);
            }
            case DYNAMIC -> Mono.error(new IllegalStateException("dynamic reply reached the writer unresolved"));
        };
    }

    private Mono<Void> stream(ReplySpec spec, WireJson wire, UsageCount usage) {
        List<String> lead = wire.leadChunks(spec);
        List<String> frames = new ArrayList<>();
        int sent = spec.ending == Ending.COMPLETE || spec.ending == Ending.NO_DONE
                ? lead.size() : Math.min(spec.endAfter, lead.size());
        lead.subList(0, sent).forEach(json -> frames.add(frame(json)));
        Flux<String> tail = Flux.empty();
        switch (spec.ending) {
            case COMPLETE, NO_DONE -> {
                frames.add(frame(wire.finishChunk(spec.effectiveFinishReason())));
                if (wire.includesUsage()) {
                    frames.add(frame(wire.usageChunk(usage)));
                }
                if (spec.ending == Ending.COMPLETE) {
                    frames.add(DONE);
                } else {
                    response.keepAlive(false);
                }
            }
            case ERROR_EVENT -> {
                frames.add(frame(WireJson.streamError(spec.errorMessage)));
                response.keepAlive(false);
            }
            case STALL -> tail = silence(spec.keepAlive, KEEP_ALIVE_COMMENT);
            case CUT_OFF -> {
            }
        }
        NettyOutbound out = withHeaders(spec, 200, "text/event-stream")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                // Headers go out at once, as real servers send them before the first token.
                .sendHeaders()
                .sendString(Flux.concat(paced(frames, spec.delay), tail), StandardCharsets.UTF_8);
        return spec.ending == Ending.CUT_OFF ? out.then().then(closeAbruptly()) : out.then();
    }

    /** Streams the Responses API's events; the chunks counted by the endings are these events. */
    private Mono<Void> responsesStream(ReplySpec spec, ResponsesWire wire, UsageCount usage) {
        List<String> lead = wire.leadEvents(spec);
        List<String> frames = new ArrayList<>();
        int sent = spec.ending == Ending.COMPLETE || spec.ending == Ending.NO_DONE
                ? lead.size() : Math.min(spec.endAfter, lead.size());
        frames.addAll(lead.subList(0, sent));
        Flux<String> tail = Flux.empty();
        switch (spec.ending) {
            // OpenAI sends no [DONE] after the terminal event.
            case COMPLETE, NO_DONE -> frames.add(wire.terminalEvent(spec, usage));
            case ERROR_EVENT -> {
                frames.add(wire.errorEvent(spec.errorMessage));
                response.keepAlive(false);
            }
            case STALL -> tail = silence(spec.keepAlive, KEEP_ALIVE_COMMENT);
            case CUT_OFF -> {
            }
        }
        NettyOutbound out = withHeaders(spec, 200, "text/event-stream")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .sendHeaders()
                .sendString(Flux.concat(paced(frames, spec.delay), tail), StandardCharsets.UTF_8);
        return spec.ending == Ending.CUT_OFF ? out.then().then(closeAbruptly()) : out.then();
    }

    private Mono<Void> responsesBody(ReplySpec spec, ResponsesWire wire, UsageCount usage) {
        if (spec.ending == Ending.ERROR_EVENT) {
            return withHeaders(spec, 500, "application/json")
                    .sendString(Mono.just(WireJson.errorBody(spec.errorMessage, "server_error", null)),
                            StandardCharsets.UTF_8).then();
        }
        if (spec.ending == Ending.STALL) {
            return withHeaders(spec, 200, "application/json").sendHeaders()
                    .sendString(silence(spec.keepAlive, KEEP_ALIVE_JSON), StandardCharsets.UTF_8).then();
        }
        return withHeaders(spec, 200, "application/json")
                .sendString(Mono.just(wire.body(spec, usage)), StandardCharsets.UTF_8).then();
    }

    private Mono<Void> body(ReplySpec spec, WireJson wire, UsageCount usage) {
        String json = wire.completionBody(spec, usage);
        return switch (spec.ending) {
            case COMPLETE, NO_DONE -> withHeaders(spec, 200, "application/json")
                    .sendString(Mono.just(json), StandardCharsets.UTF_8).then();
            case ERROR_EVENT -> withHeaders(spec, 500, "application/json")
                    .sendString(Mono.just(WireJson.errorBody(spec.errorMessage, "server_error", null)),
                            StandardCharsets.UTF_8).then();
            case CUT_OFF -> {
                byte[] all = json.getBytes(StandardCharsets.UTF_8);
                // Two pieces, not one: Reactor Netty sends a single item as a full message and
                // would make the declared length match the truncated body.
                List<byte[]> half = Texts.bytePieces(json.substring(0, json.length() / 2), Math.max(1, json.length() / 4));
                yield withHeaders(spec, 200, "application/json")
                        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(all.length))
                        .sendByteArray(Flux.fromIterable(half)).then().then(closeAbruptly());
            }
            case STALL -> withHeaders(spec, 200, "application/json")
                    .sendHeaders()
                    .sendString(silence(spec.keepAlive, KEEP_ALIVE_JSON), StandardCharsets.UTF_8).then();
        };
    }

    /** Sets status, the server's headers, then the reply's, which replace a server header of the same name. */
    private HttpServerResponse withHeaders(ReplySpec spec, int status, String contentType) {
        response.status(status);
        response.header(HttpHeaderNames.CONTENT_TYPE, contentType);
        Set<String> replaced = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> h : spec.headers) {
            if (replaced.add(h.getKey())) {
                response.header(h.getKey(), h.getValue());
            } else {
                response.addHeader(h.getKey(), h.getValue());
            }
        }
        return response;
    }

    /**
     * Closes the connection without ending the HTTP body, as a crashed server would. Runs after
     * the send completed, that is after the earlier chunks were written to the socket.
     */
    private Mono<Void> closeAbruptly() {
        return Mono.fromRunnable(() -> {
            // Before the close, whose listeners run at once and end the write early.
            finished = true;
            connection.channel().close();
        });
    }

    /** Emits the items, waiting {@code delay} before each one but the first. */
    private <T> Flux<T> paced(List<T> items, Duration delay) {
        if (delay.isZero()) {
            return Flux.fromIterable(items);
        }
        return Flux.fromIterable(items).index()
                .concatMap(t -> t.getT1() == 0 ? Mono.just(t.getT2()) : pause(delay).thenReturn(t.getT2()));
    }

    /** Emits nothing, or the keep-alive text every interval, until cancelled. */
    private Flux<String> silence(Duration keepAlive, String text) {
        return keepAlive == null ? Flux.never() : pause(keepAlive).thenReturn(text).repeat();
    }

    /** Completes after {@code delay} on the connection's event loop; cancelling cancels the timer. */
    private Mono<Void> pause(Duration delay) {
        return Mono.create(sink -> {
            ScheduledFuture<?> timer = connection.channel().eventLoop()
                    .schedule(() -> sink.success(), delay.toNanos(), TimeUnit.NANOSECONDS);
            sink.onCancel(() -> timer.cancel(false));
        });
    }

    private static String frame(String json) {
        return "data: " + json + "\n\n";
    }

    /**
     * Estimates usage by counting words, so an unscripted usage is plausible and deterministic:
     * prompt = words of all message contents; completion = words of text and reasoning, plus
     * one per tool call and the words of its arguments.
     */
    static UsageCount estimateUsage(ReplySpec spec, RecordedRequest request) {
        long prompt = 0;
        for (JsonNode message : request.json().path("messages")) {
            prompt += Texts.countWords(RecordedRequest.contentText(message.path("content")));
        }
        JsonNode input = request.json().path("input");
        if (input.isString()) {
            prompt += Texts.countWords(input.stringValue());
        }
        for (JsonNode item : input) {
            prompt += Texts.countWords(RecordedRequest.contentText(item.path("content")))
                    + Texts.countWords(item.path("output").asString(""));
        }
        long completion = Texts.countWords(spec.text) + Texts.countWords(spec.reasoning);
        for (ScriptedToolCall call : spec.toolCalls) {
            completion += 1 + Texts.countWords(call.arguments());
        }
        return new UsageCount(prompt, completion);
    }
}
