package dev.fluxllm.internal.endpoints;

import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.internal.sse.SseDecoder;
import dev.fluxllm.internal.sse.SseListener;
import dev.fluxllm.internal.transport.BodyDecoder;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Turns an event stream into items with a subclass's mapping; {@code data: [DONE]} completes it.
 * One instance per attempt, used from one thread at a time.
 */
abstract class EventStreamDecoder<T> implements BodyDecoder<T>, SseListener {

    protected final String requestId;
    private final SseDecoder sse;
    private Sink<? super T> sink;
    private boolean done;
    private OpenAiCompatException failure;

    EventStreamDecoder(int maxEventBytes, String requestId) {
        this.sse = new SseDecoder(maxEventBytes, this);
        this.requestId = requestId;
    }

    /** Maps one event; returns null to emit nothing; throws to fail the stream. */
    protected abstract T map(String eventType, String data, String lastEventId);

    /** Returns whether a body that ended without {@code [DONE]} still is a complete answer. */
    protected abstract boolean completeWithoutDone();

    /** Fails the stream that ended early. */
    protected abstract OpenAiCompatException cutOff(boolean prematureClose);

    @Override
    public void decode(ByteBuf buf, Sink<? super T> sink) {
        if (this.sink != sink) {
            // The same sink read after read: stored once (a reference store costs the garbage collector a card).
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
        String text = new String(data, offset, length, StandardCharsets.UTF_8);
        if (text.strip().equals("[DONE]")) {
            done = true;
            return false;
        }
        T item;
        try {
            item = map(eventType, text, sse.lastEventId());
        } catch (OpenAiCompatException e) {
            failure = e;
            return false;
        }
        // Outside the try: what the subscriber throws is not the server's failure.
        return item == null || sink.accept(item);
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
        if (done || completeWithoutDone()) {
            return;
        }
        throw cutOff(prematureClose);
    }
}
