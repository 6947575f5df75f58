package dev.fluxllm.structured;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.Usage;
import java.util.List;

/**
 * Keeps what a streamed typed answer said besides its JSON: choice 0's text (held once, for the
 * element splitter's offsets and the exception's raw text), refusal, finish reason, usage, id and
 * model. Cheaper per chunk than assembling a whole response, which would hold the text a second time.
 * The text is a plain {@code char[]}, so that the parser scans each delta where it was copied to
 * and Jackson reads an element from its slice, without a string per delta or element.
 */
final class AnswerTracker {

    private char[] text = new char[1024];
    private int length;
    private StringBuilder refusal;
    private String finishReason;
    private Usage usage;
    private String id;
    private String model;
    private long created;

    /** Takes a chunk in; returns choice 0's content delta, "" when none. */
    String add(ChatChunk chunk) {
        if (id == null) {
            id = chunk.id();
            model = chunk.model();
            created = chunk.created();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        List<ChunkChoice> choices = chunk.choices();
        if (choices.isEmpty()) {
            return "";
        }
        ChunkChoice c = choices.get(0);
        if (c.finishReason() != null) {
            finishReason = c.finishReason();
        }
        if (!c.refusal().isEmpty()) {
            if (refusal == null) {
                refusal = new StringBuilder();
            }
            refusal.append(c.refusal());
        }
        String delta = c.content();
        int n = delta.length();
        if (n > 0) {
            if (length + n > text.length) {
                text = java.util.Arrays.copyOf(text, Math.max(text.length * 2, length + n));
            }
            delta.getChars(0, n, text, length);
            length += n;
        }
        return delta;
    }

    /**
     * Returns the text so far in its first {@link #length()} characters; offsets into it are the
     * parser's offsets. A later {@link #add} may replace the array.
     */
    char[] chars() {
        return text;
    }

    /** Returns how many characters the text has. */
    int length() {
        return length;
    }

    /** Returns whether the model refused (sent refusal text). */
    boolean refused() {
        return refusal != null && refusal.length() > 0;
    }

    /** Returns the finish reason so far, null until one arrived. */
    String finishReason() {
        return finishReason;
    }

    /** Returns the answer so far as a response, for exceptions and their callers. */
    ChatResponse response() {
        return new ChatResponse(id, model, created, List.of(new ChatChoice(0, new String(text, 0, length), "", List.of(),
                finishReason, refusal == null ? "" : refusal.toString())), usage);
    }
}
