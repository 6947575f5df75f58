package dev.fluxllm.internal.transport;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Turns a streamed response body into items, one network read at a time. One instance per
 * attempt, used from one thread at a time.
 */
public interface BodyDecoder<T> {

    /**
     * Decodes one read; never releases {@code buf}. Returns the items it completed before the end
     * of the read or before a failure, possibly none.
     */
    List<T> decode(ByteBuf buf);

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
