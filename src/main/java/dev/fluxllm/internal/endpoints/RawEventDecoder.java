package dev.fluxllm.internal.endpoints;

import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.ServerSentEvent;
import dev.fluxllm.internal.error.ExceptionFactory;

/**
 * Emits every event as it came (type, data text, last id), for extension endpoints whose payloads
 * the library does not know. {@code data: [DONE]} completes without being emitted; a body that
 * ends cleanly completes too, while a connection closed mid-body fails.
 */
public final class RawEventDecoder extends EventStreamDecoder<ServerSentEvent> {

    private boolean cleanEnd = true;

    public RawEventDecoder(int maxEventBytes, String requestId) {
        super(maxEventBytes, requestId);
    }

    @Override
    protected ServerSentEvent map(String eventType, String data, String lastEventId) {
        return new ServerSentEvent(eventType == null ? "message" : eventType, data, lastEventId);
    }

    @Override
    public void endOfBody(boolean prematureClose) {
        cleanEnd = !prematureClose;
        super.endOfBody(prematureClose);
    }

    @Override
    protected boolean completeWithoutDone() {
        return cleanEnd;
    }

    @Override
    protected OpenAiCompatException cutOff(boolean prematureClose) {
        return ExceptionFactory.malformed("Event stream closed before it ended", requestId, true, null);
    }
}
