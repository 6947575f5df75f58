package dev.fluxllm.internal.sse;

/** Receives the events an {@link SseDecoder} dispatches. */
public interface SseListener {

    /**
     * Called once per dispatched event. eventType is null when the event had no `event:` field
     * (i.e. type "message"); otherwise the field's value. data[offset, offset+length) holds the
     * event's data (data lines joined with '\n', no trailing newline) as raw UTF-8 bytes, valid
     * only during this call: it is the decoder's reused buffer, or (for an event that lies whole in
     * the input being decoded) the input itself, so it must be read, never modified. Return false
     * to stop: the decoder then ignores all further input (used after `data: [DONE]`).
     *
     * @param eventType the value of the event's {@code event:} field, null when it had none
     * @param data      the bytes holding the event's data; read only, do not keep after returning
     * @param offset    where the data starts in {@code data}
     * @param length    how many bytes of data there are, 0 for an empty {@code data:} line
     * @return true to receive further events, false to stop the decoder
     */
    boolean onEvent(String eventType, byte[] data, int offset, int length);
}
