package dev.fluxllm.internal.chat;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.ChunkReader;
import dev.fluxllm.internal.json.ErrorBodyReader;
import dev.fluxllm.internal.json.WireError;
import dev.fluxllm.internal.sse.SseDecoder;
import dev.fluxllm.internal.sse.SseListener;
import dev.fluxllm.internal.transport.BodyDecoder;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;

/**
 * Turns a chat-completion event stream into {@link ChatChunk}s: one per data event, completing on
 * {@code [DONE]}, failing on an error event, and telling a cut-off stream from one that merely
 * omitted {@code [DONE]} after every choice finished.
 */
public final class ChatStreamDecoder implements BodyDecoder<ChatChunk>, SseListener {

    private static final int SNIPPET = 200;

    private final SseDecoder sse;
    private final String requestId;
    /** Choice 0, which nearly every stream has alone: two flags here rather than a tracker per stream. */
    private boolean seen0;
    private boolean finished0;
    /** The other choices, made when one appears. */
    private FinishTracker others;
    private final ChunkReader reader = ChunkReader.forStream();
    private Sink<? super ChatChunk> sink;
    private boolean done;
    private OpenAiCompatException failure;

    public ChatStreamDecoder(int maxEventBytes, String requestId) {
        this.sse = new SseDecoder(maxEventBytes, this);
        this.requestId = requestId;
    }

    @Override
    public void decode(ByteBuf buf, Sink<? super ChatChunk> sink) {
        if (this.sink != sink) {
            // The same sink read after read: stored once (a reference store costs the garbage collector a card).
            this.sink = sink;
        }
        if (failure == null && !done) {
            try {
                sse.decode(buf);
            } catch (OpenAiCompatException e) {
                failure = e;
            } finally {
                reader.release();
            }
        }
    }

    /** Decodes bytes; for tests and benchmarks that do not go through Netty. */
    public List<ChatChunk> decode(byte[] bytes, int offset, int length) {
        List<ChatChunk> items = new ArrayList<>();
        sink = items::add;
        if (failure == null && !done) {
            try {
                sse.decode(bytes, offset, length);
            } catch (OpenAiCompatException e) {
                failure = e;
            } finally {
                reader.release();
            }
        }
        return items;
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public boolean onEvent(String eventType, byte[] data, int offset, int length) {
        ChatChunk chunk;
        try {
            chunk = read(eventType, data, offset, length);
        } catch (OpenAiCompatException e) {
            // Chunks decoded before the failure in this read still reach the subscriber.
            failure = e;
            return false;
        }
        // Outside the try: what the subscriber throws is not the server's failure.
        return chunk == null ? !done : sink.accept(chunk);
    }

    /** Reads one event: its chunk, or null for a blank event or {@code [DONE]} (which sets done). */
    private ChatChunk read(String eventType, byte[] data, int offset, int length) {
        if (eventType != null && eventType.equals("error")) {
            throw errorEvent(data, offset, length);
        }
        if (isDone(data, offset, length)) {
            done = true;
            return null;
        }
        if (isBlank(data, offset, length)) {
            return null;
        }
        ChatChunk chunk;
        try {
            chunk = reader.read(data, offset, length);
        } catch (JacksonException | ChunkReader.NotAnObjectException e) {
            throw ExceptionFactory.malformed("Stream event is not a JSON object (" + e.getMessage().lines().findFirst().orElse("")
                    + "): " + snippet(data, offset, length), requestId, false, e);
        }
        if (chunk == null) {
            throw ExceptionFactory.streamError(reader.error(), requestId);
        }
        track(chunk);
        return chunk;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public void endOfBody(boolean prematureClose) {
        if (done || allFinished()) {
            return;
        }
        throw ExceptionFactory.malformed("Stream ended before [DONE] and before every choice finished"
                + (prematureClose ? " (connection closed)" : "") + ": the answer is cut off", requestId, true, null);
    }

    private void track(ChatChunk chunk) {
        List<ChunkChoice> choices = chunk.choices();
        for (int i = 0, n = choices.size(); i < n; i++) {
            ChunkChoice c = choices.get(i);
            int index = Math.max(c.index(), 0);
            boolean finishes = c.finishReason() != null;
            if (index == 0) {
                seen0 = true;
                finished0 |= finishes;
            } else {
                if (others == null) {
                    others = new FinishTracker();
                }
                others.add(index, finishes);
            }
        }
    }

    /** Returns whether at least one choice was seen and each one seen has finished. */
    private boolean allFinished() {
        return (seen0 || others != null) && (!seen0 || finished0) && (others == null || others.allFinished());
    }

    private OpenAiCompatException errorEvent(byte[] data, int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        WireError error = ErrorBodyReader.read(copy);
        return error != null ? ExceptionFactory.streamError(error, requestId)
                : ExceptionFactory.streamErrorEvent(new String(copy, StandardCharsets.UTF_8), requestId);
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
