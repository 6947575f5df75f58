package dev.fluxllm;

import java.util.List;

/**
 * Holds one streamed {@code chat.completion.chunk}: one server-sent data event.
 *
 * <p>Role-only chunks and chunks with empty {@code choices} (a usage-only last chunk, Azure's
 * prompt filter results) are chunks too. The accessors without a choice index read choice 0.
 *
 * @param id       the completion id, "" when absent
 * @param model    the model, "" when absent
 * @param created  the Unix time in seconds, 0 when absent
 * @param choices  the choices of this chunk, possibly empty
 * @param usage    the token counts when this chunk carries them, else null
 */
public record ChatChunk(String id, String model, long created, List<ChunkChoice> choices, Usage usage) {

    public ChatChunk {
        id = id == null ? "" : id;
        model = model == null ? "" : model;
        choices = choices == null ? List.of() : choices;
    }

    /** Returns the content delta of choice 0, "" when none. */
    public String text() {
        return choices.isEmpty() ? "" : choices.get(0).content();
    }

    /** Returns the reasoning delta of choice 0, "" when none. */
    public String reasoning() {
        return choices.isEmpty() ? "" : choices.get(0).reasoning();
    }

    /** Returns the refusal delta of choice 0, "" when none. */
    public String refusal() {
        return choices.isEmpty() ? "" : choices.get(0).refusal();
    }

    /** Returns the finish reason of choice 0, null when it has none. */
    public String finishReason() {
        return choices.isEmpty() ? null : choices.get(0).finishReason();
    }

    /** Returns the tool-call fragments of choice 0, empty when none. */
    public List<ToolCallDelta> toolCalls() {
        return choices.isEmpty() ? List.of() : choices.get(0).toolCalls();
    }
}
