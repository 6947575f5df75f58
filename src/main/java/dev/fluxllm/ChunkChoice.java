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
 */
public record ChunkChoice(int index, String role, String content, String reasoning,
                          List<ToolCallDelta> toolCalls, String finishReason) {

    public ChunkChoice {
        content = content == null ? "" : content;
        reasoning = reasoning == null ? "" : reasoning;
        toolCalls = toolCalls == null ? List.of() : toolCalls;
    }
}
