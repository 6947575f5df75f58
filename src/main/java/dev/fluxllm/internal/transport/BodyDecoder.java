package dev.fluxllm.internal.transport;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a streamed response body into items, one network read at a time. One instance per
 * attempt, used from one thread at a time.
 */
public interface BodyDecoder<T> {

    /** Receives the items of a read as they are decoded. */
    @FunctionalInterface
    interface Sink<T> {
        /** Takes one item; returns false to stop decoding (nobody wants more). */
        boolean accept(T item);
    }

    /**
     * Decodes one read, handing each item to {@code sink} as soon as it is complete, in order,
     * until the end of the read, a failure, or the sink says stop; never releases {@code buf}.
     * Items go straight to the sink rather than into a list kept by the decoder: the decoder
     * lives as long as the stream, and a reference stored into a long-lived object costs the
     * garbage collector a card to re-scan, per read.
     */
    void decode(ByteBuf buf, Sink<? super T> sink);

    /** Decodes one read into a list; for tests and callers outside a stream. */
    default List<T> decode(ByteBuf buf) {
        List<T> items = new ArrayList<>();
        decode(buf, item -> items.add(item));
        return items;
    }

    /** Returns the failure that stopped decoding, null while there is none; items before it still count. */
    Throwable failure();

    /** Returns whether the body said it is complete (e.g. {@code [DONE]}): reading stops. */
    boolean isDone();

    /**
     * Called when the body ended before {@link #isDone()}: cleanly, or by a premature close.
     * Returns normally when what arrived is a complete answer; throws when it was cut off.
     */
    void endOfBody(boolean prematureClose);
}
