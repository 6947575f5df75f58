package dev.fluxllm.internal.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records dispatched events as {@link Event}s, decoding data as UTF-8, and stops the decoder after
 * {@code [DONE]} the way the stream layer does. It scribbles over the listener's buffer after each
 * call, so a decoder that relied on the bytes staying put would fail the tests.
 */
final class RecordingListener implements SseListener {

    private final List<Event> events = new ArrayList<>();
    private final boolean stopOnDone;
    private final boolean scribble;

    RecordingListener() {
        this(true);
    }

    RecordingListener(boolean stopOnDone) {
        this(stopOnDone, false);
    }

    /**
     * @param scribble overwrite each event's bytes after reading them, to prove the decoder never
     *                 reads dispatched bytes again (only for inputs that are not reused: the bytes
     *                 may be the input itself)
     */
    RecordingListener(boolean stopOnDone, boolean scribble) {
        this.stopOnDone = stopOnDone;
        this.scribble = scribble;
    }

    @Override
    public boolean onEvent(String eventType, byte[] data, int offset, int length) {
        String text = new String(data, offset, length, StandardCharsets.UTF_8);
        events.add(new Event(eventType, text));
        if (scribble) {
            for (int i = offset; i < offset + length; i++) {
                data[i] = '#';
            }
        }
        return !(stopOnDone && text.equals("[DONE]"));
    }

    List<Event> events() {
        return events;
    }
}
