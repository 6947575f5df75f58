package dev.fluxllm;

import java.util.List;

/**
 * Holds one choice's delta in a streamed chunk.
 *
 * @param index         the choice's index (0 unless {@code n > 1})
 * @param role          the role when the delta names one, else null
 * @param content       the content delta, "" when none
 * @param reasoning     the reasoning delta ({@code reasoning_content} or {@code reasoning}), "" when none
 * @param toolCalls     the tool-call fragments of this delta, empty when none
 * @param finishReason  the raw finish reason, null until the server sends one
 * @param refusal       the refusal delta ({@code refusal}: the model declined to answer), "" when none
 */
public record ChunkChoice(int index, String role, String content, String reasoning,
                          List<ToolCallDelta> toolCalls, String finishReason, String refusal) {

    public ChunkChoice {
        content = content == null ? "" : content;
        reasoning = reasoning == null ? "" : reasoning;
        toolCalls = toolCalls == null ? List.of() : toolCalls;
        refusal = refusal == null ? "" : refusal;
    }

    /** Creates a choice without a refusal. */
    public ChunkChoice(int index, String role, String content, String reasoning, List<ToolCallDelta> toolCalls,
                       String finishReason) {
        this(index, role, content, reasoning, toolCalls, finishReason, "");
    }
}
