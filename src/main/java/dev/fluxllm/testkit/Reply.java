package dev.fluxllm.testkit;

import dev.fluxllm.testkit.ReplySpec.Ending;
import dev.fluxllm.testkit.ReplySpec.Kind;
import dev.fluxllm.testkit.ReplySpec.ScriptedToolCall;
import dev.fluxllm.testkit.ReplySpec.UsageCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Describes how {@link ScriptedLlmServer} answers one chat-completion request.
 *
 * <p>A reply is immutable: start from a static factory, then each option method returns a
 * changed copy, so a reply can be kept in a constant and reused.
 * <pre>{@code
 * server.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
 * server.enqueue(Reply.text("It is sunny in Paris.").delay(Duration.ofMillis(20)));
 * server.enqueue(Reply.error(429, "Rate limit reached").header("Retry-After", "1"));
 * server.enqueue(Reply.text("Hello there").cutOffAfter(2));
 * }</pre>
 *
 * <p>A completion reply is streamed when the request has {@code "stream": true}, and is one
 * {@code chat.completion} JSON body otherwise. A stream sends, in order: a role chunk
 * ({@code {"role":"assistant","content":""}}), the reasoning deltas, the text deltas, the
 * tool-call fragments, a finish chunk ({@code "delta":{}}), a usage chunk ({@code "choices":[]})
 * when the request asked for it with {@code stream_options.include_usage}, then
 * {@code data: [DONE]}. The "chunks" counted by {@link #errorAfter}, {@link #cutOffAfter} and
 * {@link #stallAfter} are these data events, starting with the role chunk.
 */
public final class Reply {

    /** Characters per tool-call arguments fragment when no {@link #chunkSize(int)} is set. */
    public static final int DEFAULT_ARGUMENTS_FRAGMENT_SIZE = 8;

    /** Deepest nesting of {@link #from} functions returning dynamic replies; guards against loops. */
    static final int MAX_DYNAMIC_DEPTH = 16;

    private static final Set<Kind> COMPLETION = EnumSet.of(Kind.COMPLETION);
    private static final Set<Kind> PACED = EnumSet.of(Kind.COMPLETION, Kind.RAW);
    private static final Set<Kind> WITH_HEADERS = EnumSet.of(Kind.COMPLETION, Kind.STATUS, Kind.RAW);

    private final ReplySpec spec;

    private Reply(ReplySpec spec) {
        this.spec = spec;
    }

    // ---- factories ---------------------------------------------------------------------------

    /**
     * Creates a completion whose content is {@code text}, streamed in word-sized deltas by
     * default, with no delay, finish reason {@code stop}, and usage estimated from word counts.
     */
    public static Reply text(String text) {
        ReplySpec s = new ReplySpec(Kind.COMPLETION);
        s.text = requireNonNull(text, "text");
        return new Reply(s);
    }

    /**
     * Creates a completion whose content is {@code value} written as JSON by Jackson (a record,
     * a map, a list, a string...), e.g. to script a typed answer.
     */
    public static Reply json(Object value) {
        return text(WireJson.MAPPER.writeValueAsString(value));
    }

    /**
     * Creates a reply decided per request that answers with JSON shaped like the request asks:
     * an example value conforming to the schema of its {@code response_format} ({@code json_schema}),
     * or to the schema of its {@code json_object} system message: the first enum value, a
     * format's example ({@code 2024-01-01} for a date), 0, false, one element per array. A request
     * without a schema gets {@link #echo()}'s answer. Lets code using typed outputs run offline.
     */
    public static Reply schemaExample() {
        return from(SchemaExample::reply);
    }

    /**
     * Creates a completion in which the model refuses: {@code refusal} is streamed as
     * {@code refusal} deltas, or sent as {@code message.refusal}, with no content.
     */
    public static Reply refusal(String refusal) {
        ReplySpec s = new ReplySpec(Kind.COMPLETION);
        s.refusal = requireNonNull(refusal, "refusal");
        return new Reply(s);
    }

    /**
     * Creates a completion that calls one tool; its id is derived from name and arguments
     * ({@code call_} + 8 hex digits), and the finish reason is {@code tool_calls}. When streamed,
     * the arguments arrive in fragments of {@value #DEFAULT_ARGUMENTS_FRAGMENT_SIZE} chars (or
     * {@link #chunkSize(int)}); the first fragment carries index, id, type, name and
     * {@code "arguments":""}, the later ones only index and an arguments piece.
     *
     * @param arguments the arguments text, sent exactly as given (it need not be valid JSON,
     *                  which lets a test script a malformed call)
     */
    public static Reply toolCall(String name, String arguments) {
        return new Reply(new ReplySpec(Kind.COMPLETION)).andToolCall(name, arguments);
    }

    /** Creates a completion that calls one tool with the given call id; see {@link #toolCall(String, String)}. */
    public static Reply toolCall(String id, String name, String arguments) {
        return new Reply(new ReplySpec(Kind.COMPLETION)).andToolCall(id, name, arguments);
    }

    /**
     * Creates a reply with an OpenAI-style error body
     * ({@code {"error":{"message":..,"type":..,"param":null,"code":..}}}); the type is
     * {@code server_error} for 5xx, {@code rate_limit_error} for 429, else
     * {@code invalid_request_error}.
     *
     * @param status an HTTP status from 400 to 599
     */
    public static Reply error(int status, String message) {
        return error(status, defaultErrorType(status), message);
    }

    /** Creates a reply with an OpenAI-style error body of the given type; see {@link #error(int, String)}. */
    public static Reply error(int status, String type, String message) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
        }
        return status(status, WireJson.errorBody(requireNonNull(message, "message"), requireNonNull(type, "type"),
                status == 429 ? "rate_limit_exceeded" : null));
    }

    /**
     * Creates a reply with the given status and body, sent exactly as given with content type
     * {@code application/json} (replace it with {@link #header}). Useful for broken JSON
     * bodies and for non-OpenAI error shapes.
     */
    public static Reply status(int status, String body) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200 to 599)");
        }
        ReplySpec s = new ReplySpec(Kind.STATUS);
        s.status = status;
        s.body = requireNonNull(body, "body");
        return new Reply(s);
    }

    /**
     * Creates a reply that sends exactly {@code sseBody} with status 200 and content type
     * {@code text/event-stream}, in one write by default. With {@link #chunkSize(int)} the UTF-8
     * bytes go out in pieces of that many bytes (which may split a character), with
     * {@link #delay(Duration)} between pieces, so that the client reads them separately.
     */
    public static Reply raw(String sseBody) {
        ReplySpec s = new ReplySpec(Kind.RAW);
        s.body = requireNonNull(sseBody, "sseBody");
        return new Reply(s);
    }

    /**
     * Creates a reply that accepts the request and never answers, not even with headers, until
     * the client gives up or the server closes; a client's response timeout fires.
     */
    public static Reply hang() {
        return new Reply(new ReplySpec(Kind.HANG));
    }

    /**
     * Creates a reply that sends status 200 and headers, then nothing (or keep-alive comments, see
     * {@link #keepAlive(Duration)}) until the client gives up; a client's stream idle timeout fires.
     * Same as {@code Reply.text("").stallAfter(0)}.
     */
    public static Reply hangAfterHeaders() {
        return text("").stallAfter(0);
    }

    /**
     * Creates the reply the server gives when nothing is scripted: a short deterministic answer
     * that quotes the last user message ({@code You said: "..."}), in word-sized deltas.
     * A request body that is not a JSON object gets a 400 error instead.
     */
    public static Reply echo() {
        return from(EchoResponder::reply);
    }

    /**
     * Creates a reply decided per request: the server calls {@code responder} with the recorded
     * request and sends the reply it returns. Options set on the returned dynamic reply (for
     * example {@code Reply.from(f).delay(d)}) are applied to whatever {@code f} returns. If the
     * function throws or returns null, the client gets a 500 error naming the problem.
     *
     * <p>The function runs on a server event-loop thread: it must not block.
     */
    public static Reply from(Function<? super RecordedRequest, Reply> responder) {
        ReplySpec s = new ReplySpec(Kind.DYNAMIC);
        s.responder = requireNonNull(responder, "responder");
        return new Reply(s);
    }

    // ---- content options -----------------------------------------------------------------------

    /**
     * Returns a copy that sends {@code reasoning} as {@code reasoning_content} deltas before the
     * text (default: none). Non-streamed, it is {@code message.reasoning_content}.
     */
    public Reply reasoning(String reasoning) {
        requireNonNull(reasoning, "reasoning");
        return derive(COMPLETION, "reasoning", s -> s.reasoning = reasoning);
    }

    /**
     * Returns a copy with one more tool call after the existing ones (parallel calls): indexes
     * follow the order of the calls, and each call's fragments come before the next call's, as
     * OpenAI sends them. Any text of the reply is sent before the calls.
     */
    public Reply andToolCall(String name, String arguments) {
        requireNonEmpty(name, "name");
        requireNonNull(arguments, "arguments");
        return derive(COMPLETION, "andToolCall", s -> s.toolCalls =
                append(s.toolCalls, new ScriptedToolCall(derivedId(s.toolCalls.size(), name, arguments), name, arguments)));
    }

    /** Returns a copy with one more tool call with the given id; see {@link #andToolCall(String, String)}. */
    public Reply andToolCall(String id, String name, String arguments) {
        requireNonEmpty(id, "id");
        requireNonEmpty(name, "name");
        requireNonNull(arguments, "arguments");
        return derive(COMPLETION, "andToolCall", s -> s.toolCalls =
                append(s.toolCalls, new ScriptedToolCall(id, name, arguments)));
    }

    /**
     * Returns a copy that reports this usage: in the non-streamed body, and in a streamed reply as
     * the final {@code "choices":[]} chunk when the request set {@code stream_options.include_usage}.
     * Total is the sum. Default: estimated by counting whitespace-separated words of the request's
     * messages and of the reply.
     */
    public Reply usage(long promptTokens, long completionTokens) {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("usage: " + promptTokens + ", " + completionTokens
                    + " (expected: counts >= 0)");
        }
        return derive(COMPLETION, "usage", s -> s.usage = new UsageCount(promptTokens, completionTokens));
    }

    /** Returns a copy with this finish reason (default: {@code tool_calls} with tool calls, else {@code stop}). */
    public Reply finishReason(String finishReason) {
        requireNonEmpty(finishReason, "finishReason");
        return derive(COMPLETION, "finishReason", s -> s.finishReason = finishReason);
    }

    // ---- pacing ------------------------------------------------------------------------------

    /**
     * Returns a copy whose text and reasoning deltas (and tool-call arguments fragments) have
     * {@code chars} characters each (default 0: word-sized deltas, arguments in fragments of
     * {@value #DEFAULT_ARGUMENTS_FRAGMENT_SIZE}). For {@link #raw} replies it is the size in bytes
     * of each write (default: one write).
     */
    public Reply chunkSize(int chars) {
        if (chars < 1) {
            throw new IllegalArgumentException("chunkSize: " + chars + " (expected: >= 1)");
        }
        return derive(PACED, "chunkSize", s -> s.chunkSize = chars);
    }

    /**
     * Returns a copy that waits {@code delay} between consecutive data events (or raw pieces),
     * without blocking any thread; the first goes out at once (default: zero).
     */
    public Reply delay(Duration delay) {
        requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        return derive(PACED, "delay", s -> s.delay = delay);
    }

    /**
     * Returns a copy that waits {@code latency} before the status line, as a busy model's queue
     * would, without blocking any thread (default: zero). Unlike {@link #delay(Duration)} it also
     * delays a non-streamed answer, which goes out in one piece.
     */
    public Reply latency(Duration latency) {
        requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency: " + latency + " (expected: >= 0)");
        }
        return derive(WITH_HEADERS, "latency", s -> s.latency = latency);
    }

    // ---- headers -----------------------------------------------------------------------------

    /**
     * Returns a copy that adds a response header, for example {@code Retry-After} on a 429 or an
     * {@code x-request-id}; a header the server sets itself (such as {@code Content-Type}) is
     * replaced. Not available on {@link #hang()}, which sends no headers.
     */
    public Reply header(String name, String value) {
        requireNonEmpty(name, "name");
        requireNonNull(value, "value");
        if (hasLineBreak(name) || hasLineBreak(value)) {
            throw new IllegalArgumentException("header: " + name + " (expected: no CR or LF in name and value)");
        }
        return derive(WITH_HEADERS, "header", s -> s.headers = append(s.headers, Map.entry(name, value)));
    }

    // ---- faults ------------------------------------------------------------------------------

    /**
     * Returns a copy that sends the first {@code chunks} chunks, then
     * {@code data: {"error":{"message":..,"type":"server_error"}}}, then ends the body without
     * {@code [DONE]} and without a finish reason. A non-streamed request gets a 500 with that error
     * instead. {@code chunks} beyond the chunks before the finish chunk mean all of them.
     */
    public Reply errorAfter(int chunks, String message) {
        requireChunks(chunks);
        requireNonNull(message, "message");
        return derive(COMPLETION, "errorAfter", s -> {
            s.ending = Ending.ERROR_EVENT;
            s.endAfter = chunks;
            s.errorMessage = message;
        });
    }

    /**
     * Returns a copy that sends the first {@code chunks} chunks and then closes the connection
     * without finishing the HTTP body: no finish reason, no {@code [DONE]}, no last HTTP chunk.
     * A non-streamed request gets half of its JSON body, then the close.
     */
    public Reply cutOffAfter(int chunks) {
        requireChunks(chunks);
        return derive(COMPLETION, "cutOffAfter", s -> {
            s.ending = Ending.CUT_OFF;
            s.endAfter = chunks;
        });
    }

    /**
     * Returns a copy that sends every chunk including the finish reason and the usage, then ends
     * the body and closes the connection without {@code data: [DONE]}, as some servers do.
     * No effect on a non-streamed request.
     */
    public Reply withoutDone() {
        return derive(COMPLETION, "withoutDone", s -> s.ending = Ending.NO_DONE);
    }

    /**
     * Returns a copy that sends the headers and the first {@code chunks} chunks, then stays silent
     * until the client leaves (or sends keep-alives, see {@link #keepAlive(Duration)}). A
     * non-streamed request gets the headers, then silence.
     */
    public Reply stallAfter(int chunks) {
        requireChunks(chunks);
        return derive(COMPLETION, "stallAfter", s -> {
            s.ending = Ending.STALL;
            s.endAfter = chunks;
        });
    }

    /**
     * Returns a copy that, while stalled (see {@link #stallAfter(int)}), sends a {@code : keep-alive}
     * comment line every {@code interval} (a blank line in a non-streamed body, which JSON parsers
     * skip). Default: silence.
     */
    public Reply keepAlive(Duration interval) {
        requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("keepAlive: " + interval + " (expected: > 0)");
        }
        return derive(COMPLETION, "keepAlive", s -> s.keepAlive = interval);
    }

    // ---- internals ---------------------------------------------------------------------------

    /**
     * Returns the settings of the reply to send to {@code request}: a dynamic reply's functions are
     * called until a concrete reply comes out.
     *
     * @throws IllegalStateException when a function returns null or they nest too deep
     */
    ReplySpec resolve(RecordedRequest request) {
        Reply current = this;
        for (int depth = 0; current.spec.kind == Kind.DYNAMIC; depth++) {
            if (depth == MAX_DYNAMIC_DEPTH) {
                throw new IllegalStateException("Reply.from functions nest deeper than " + MAX_DYNAMIC_DEPTH);
            }
            current = current.spec.responder.apply(request);
            if (current == null) {
                throw new IllegalStateException("a Reply.from function returned null for " + request);
            }
        }
        return current.spec;
    }

    /** Returns the settings; the server reads them, never changes them. */
    ReplySpec spec() {
        return spec;
    }

    /**
     * Returns a changed copy. On a dynamic reply the change is deferred to the reply the function
     * returns, which is what lets {@code Reply.echo().delay(d)} work.
     *
     * @param allowed the kinds of reply the option applies to
     */
    private Reply derive(Set<Kind> allowed, String option, Consumer<ReplySpec> change) {
        if (spec.kind == Kind.DYNAMIC) {
            Function<? super RecordedRequest, Reply> inner = spec.responder;
            return from(request -> {
                Reply decided = inner.apply(request);
                return decided == null ? null : decided.derive(allowed, option, change);
            });
        }
        if (!allowed.contains(spec.kind)) {
            throw new IllegalStateException(option + ": not available on " + name(spec.kind)
                    + " replies (available on: " + allowed.stream().map(Reply::name).toList() + ")");
        }
        ReplySpec copy = spec.copy();
        change.accept(copy);
        return new Reply(copy);
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String derivedId(int index, String name, String arguments) {
        int hash = (index + "\u0000" + name + "\u0000" + arguments).hashCode();
        return "call_" + String.format("%08x", hash);
    }

    private static String defaultErrorType(int status) {
        if (status >= 500) {
            return "server_error";
        }
        return status == 429 ? "rate_limit_error" : "invalid_request_error";
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return List.copyOf(copy);
    }

    private static void requireChunks(int chunks) {
        if (chunks < 0) {
            throw new IllegalArgumentException("chunks: " + chunks + " (expected: >= 0)");
        }
    }

    private static <T> T requireNonNull(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " must not be null");
    }

    private static void requireNonEmpty(String value, String field) {
        if (requireNonNull(value, field).isEmpty()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    /** Returns a summary for test failure messages: the kind and the options set. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Reply{").append(name(spec.kind));
        switch (spec.kind) {
            case COMPLETION -> {
                b.append(", text=\"").append(Texts.abbreviate(spec.text, 40)).append('"');
                if (!spec.reasoning.isEmpty()) {
                    b.append(", reasoning=\"").append(Texts.abbreviate(spec.reasoning, 40)).append('"');
                }
                spec.toolCalls.forEach(c -> b.append(", toolCall=").append(c.name()));
                if (spec.ending != Ending.COMPLETE) {
                    b.append(", ").append(spec.ending.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                            .append(" after ").append(spec.endAfter);
                }
            }
            case STATUS -> b.append(", status=").append(spec.status);
            case RAW -> b.append(", bytes=").append(spec.body.length());
            default -> {
            }
        }
        return b.append('}').toString();
    }
}
