package dev.fluxllm.responses;

import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.WireError;
import dev.fluxllm.internal.sse.SseDecoder;
import dev.fluxllm.internal.sse.SseListener;
import dev.fluxllm.internal.transport.BodyDecoder;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;

/**
 * Turns a Responses API event stream into {@link ResponseEvent}s: one per event, completing after
 * {@code response.completed} or {@code response.incomplete} (a {@code [DONE]} after them is
 * accepted), failing on {@code response.failed} and {@code error}, on events out of sequence
 * order, and on a body that ends before any terminal event. A {@code .done} event whose value
 * differs from its deltas is reported to {@code warnings}. One instance per attempt.
 */
final class ResponseEventDecoder implements BodyDecoder<ResponseEvent>, SseListener {

    private static final int SNIPPET = 200;

    private final SseDecoder sse;
    private final String requestId;
    private final EventReader reader = new EventReader();
    private final Consumer<String> warnings;
    private final DeltaCheck text = new DeltaCheck();
    private final DeltaCheck refusals = new DeltaCheck();
    private final DeltaCheck arguments = new DeltaCheck();
    private final DeltaCheck summaries = new DeltaCheck();
    private final DeltaCheck reasoning = new DeltaCheck();
    private Sink<? super ResponseEvent> sink;
    private long lastSequence = -1;
    private boolean terminal;
    private boolean done;
    private OpenAiCompatException failure;

    ResponseEventDecoder(int maxEventBytes, String requestId, Consumer<String> warnings) {
        this.sse = new SseDecoder(maxEventBytes, this);
        this.requestId = requestId;
        this.warnings = warnings;
    }

    @Override
    public void decode(ByteBuf buf, Sink<? super ResponseEvent> sink) {
        if (this.sink != sink) {
            this.sink = sink;
        }
        if (failure == null && !done) {
            try {
                sse.decode(buf);
            } catch (OpenAiCompatException e) {
                failure = e;
            }
        }
    }

    @Override
    public boolean onEvent(String eventType, byte[] data, int offset, int length) {
        if (isDone(data, offset, length)) {
            if (!terminal) {
                failure = ExceptionFactory.malformed("Response stream sent [DONE] before any terminal event "
                        + "(response.completed, response.incomplete, response.failed): the answer is cut off",
                        requestId, true, null);
                return false;
            }
            done = true;
            return false;
        }
        if (terminal || isBlank(data, offset, length)) {
            return !terminal;
        }
        ResponseEvent event;
        try {
            event = read(eventType, data, offset, length);
        } catch (OpenAiCompatException e) {
            failure = e;
            return false;
        }
        // Outside the try: what the subscriber throws is not the server's failure.
        boolean more = sink.accept(event);
        if (terminal) {
            // The body's end still has to be read for the connection to go back to the pool.
            done = true;
            return false;
        }
        return more;
    }

    private ResponseEvent read(String eventType, byte[] data, int offset, int length) {
        ResponseEvent event;
        try {
            event = reader.read(data, offset, length, eventType);
        } catch (JacksonException | EventReader.NotAnEvent e) {
            throw ExceptionFactory.malformed("Response stream event is not a valid event ("
                    + e.getMessage().lines().findFirst().orElse("") + "): " + snippet(data, offset, length),
                    requestId, false, e);
        }
        long seq = event.sequenceNumber();
        if (seq >= 0) {
            if (seq <= lastSequence) {
                throw ExceptionFactory.malformed("Response stream event " + event.type() + " has sequence_number "
                        + seq + " after " + lastSequence + ": events out of order", requestId, false, null);
            }
            lastSequence = seq;
        }
        if (event instanceof ResponseEvent.Failed f) {
            ResponseError e = f.response().error();
            throw ExceptionFactory.streamError(new WireError("response.failed: "
                    + (e == null || e.message().isEmpty() ? "the server reported the response failed" : e.message()),
                    "response.failed", e == null ? null : e.code(), null, 0), requestId);
        }
        if (event instanceof ResponseEvent.Error e) {
            throw ExceptionFactory.streamError(new WireError(e.message().isEmpty() ? "error event" : e.message(),
                    "error", e.code(), e.param(), 0), requestId);
        }
        if (event instanceof ResponseEvent.Completed || event instanceof ResponseEvent.Incomplete) {
            terminal = true;
        }
        check(event);
        return event;
    }

    /** Compares each full value with its deltas; a difference is reported, and the full value wins downstream. */
    private void check(ResponseEvent event) {
        String problem = null;
        if (event instanceof ResponseEvent.OutputTextDelta d) {
            text.delta(key(d.itemId(), d.outputIndex(), d.contentIndex()), d.delta());
        } else if (event instanceof ResponseEvent.OutputTextDone d) {
            problem = text.done(key(d.itemId(), d.outputIndex(), d.contentIndex()), d.text());
        } else if (event instanceof ResponseEvent.FunctionCallArgumentsDelta d) {
            arguments.delta(key(d.itemId(), d.outputIndex(), -1), d.delta());
        } else if (event instanceof ResponseEvent.FunctionCallArgumentsDone d) {
            problem = arguments.done(key(d.itemId(), d.outputIndex(), -1), d.arguments());
        } else if (event instanceof ResponseEvent.RefusalDelta d) {
            refusals.delta(key(d.itemId(), d.outputIndex(), d.contentIndex()), d.delta());
        } else if (event instanceof ResponseEvent.RefusalDone d) {
            problem = refusals.done(key(d.itemId(), d.outputIndex(), d.contentIndex()), d.refusal());
        } else if (event instanceof ResponseEvent.ReasoningSummaryTextDelta d) {
            summaries.delta(key(d.itemId(), d.outputIndex(), d.summaryIndex()), d.delta());
        } else if (event instanceof ResponseEvent.ReasoningSummaryTextDone d) {
            problem = summaries.done(key(d.itemId(), d.outputIndex(), d.summaryIndex()), d.text());
        } else if (event instanceof ResponseEvent.ReasoningTextDelta d) {
            reasoning.delta(key(d.itemId(), d.outputIndex(), d.contentIndex()), d.delta());
        } else if (event instanceof ResponseEvent.ReasoningTextDone d) {
            problem = reasoning.done(key(d.itemId(), d.outputIndex(), d.contentIndex()), d.text());
        }
        if (problem != null) {
            warnings.accept(event.type() + " " + problem);
        }
    }

    /** Names a part without allocating in the usual case (an item id and part 0). */
    private static String key(String itemId, int outputIndex, int index) {
        String item = itemId.isEmpty() ? "#" + outputIndex : itemId;
        return index <= 0 ? item : item + "/" + index;
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public void endOfBody(boolean prematureClose) {
        if (terminal) {
            return;
        }
        throw ExceptionFactory.malformed("Response stream ended before any terminal event (response.completed, "
                + "response.incomplete, response.failed)" + (prematureClose ? " (connection closed)" : "")
                + ": the answer is cut off", requestId, true, null);
    }

    private static boolean isDone(byte[] d, int off, int len) {
        int start = off;
        int end = off + len;
        while (start < end && isSpace(d[start])) {
            start++;
        }
        while (end > start && isSpace(d[end - 1])) {
            end--;
        }
        return end - start == 6 && d[start] == '[' && d[start + 1] == 'D' && d[start + 2] == 'O'
                && d[start + 3] == 'N' && d[start + 4] == 'E' && d[start + 5] == ']';
    }

    private static boolean isBlank(byte[] d, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (!isSpace(d[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static String snippet(byte[] d, int off, int len) {
        String s = new String(d, off, Math.min(len, SNIPPET * 4), StandardCharsets.UTF_8);
        return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "...";
    }
}
