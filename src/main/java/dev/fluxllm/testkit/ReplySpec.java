package dev.fluxllm.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Holds the settings of one {@link Reply}. Mutable only while a {@code Reply} derives a copy;
 * never changed once a {@code Reply} wraps it, so the server threads read it without locks.
 */
final class ReplySpec {

    /** What kind of answer the server gives. */
    enum Kind {
        /** A chat completion: streamed when the request asks, else one JSON body. */
        COMPLETION,
        /** A fixed status and JSON body. */
        STATUS,
        /** Exactly the given bytes as {@code text/event-stream}. */
        RAW,
        /** No answer at all, not even headers. */
        HANG,
        /** Decided per request by a function. */
        DYNAMIC
    }

    /** How a completion ends. */
    enum Ending {
        /** Every chunk, then {@code [DONE]}. */
        COMPLETE,
        /** Some chunks, then an error event, then a clean end of the body. */
        ERROR_EVENT,
        /** Some chunks, then the connection closes without ending the body. */
        CUT_OFF,
        /** Every chunk including the finish, then a clean end without {@code [DONE]}. */
        NO_DONE,
        /** Some chunks, then silence (or keep-alive comments) until the client leaves. */
        STALL
    }

    /** One scripted tool call. */
    record ScriptedToolCall(String id, String name, String arguments) {
    }

    /** Token counts to report; {@code null} in {@link #usage} means "estimate from words". */
    record UsageCount(long prompt, long completion) {
        long total() {
            return prompt + completion;
        }
    }

    Kind kind;
    String text = "";
    String reasoning = "";
    String refusal = "";
    List<ScriptedToolCall> toolCalls = List.of();
    int chunkSize;
    Duration delay = Duration.ZERO;
    Duration latency = Duration.ZERO;
    UsageCount usage;
    String finishReason;
    int status = 200;
    String body = "";
    List<Map.Entry<String, String>> headers = List.of();
    Ending ending = Ending.COMPLETE;
    int endAfter;
    String errorMessage = "";
    Duration keepAlive;
    Function<? super RecordedRequest, Reply> responder;

    ReplySpec(Kind kind) {
        this.kind = kind;
    }

    /** Returns a field-by-field copy; the lists are immutable, so sharing them is safe. */
    ReplySpec copy() {
        ReplySpec c = new ReplySpec(kind);
        c.text = text;
        c.reasoning = reasoning;
        c.refusal = refusal;
        c.toolCalls = toolCalls;
        c.chunkSize = chunkSize;
        c.delay = delay;
        c.latency = latency;
        c.usage = usage;
        c.finishReason = finishReason;
        c.status = status;
        c.body = body;
        c.headers = headers;
        c.ending = ending;
        c.endAfter = endAfter;
        c.errorMessage = errorMessage;
        c.keepAlive = keepAlive;
        c.responder = responder;
        return c;
    }

    /** Returns the finish reason sent: the override, else {@code tool_calls} or {@code stop}. */
    String effectiveFinishReason() {
        if (finishReason != null) {
            return finishReason;
        }
        return toolCalls.isEmpty() ? "stop" : "tool_calls";
    }
}
