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
 */
final class AnswerTracker {

    private final StringBuilder text = new StringBuilder(1024);
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
        if (!delta.isEmpty()) {
            text.append(delta);
        }
        return delta;
    }

    /** Returns the text so far; offsets into it are the parser's offsets. */
    StringBuilder text() {
        return text;
    }

    /** Returns the answer so far as a response, for exceptions and their callers. */
    ChatResponse response() {
        return new ChatResponse(id, model, created, List.of(new ChatChoice(0, text.toString(), "", List.of(),
                finishReason, refusal == null ? "" : refusal.toString())), usage);
    }
}
