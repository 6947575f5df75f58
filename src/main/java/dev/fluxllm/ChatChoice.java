package dev.fluxllm;

import java.util.List;

/**
 * Holds one assembled choice of a completion.
 *
 * @param index         the choice's index
 * @param text          the content, "" when none
 * @param reasoning     the reasoning ({@code reasoning_content} or {@code reasoning}), "" when none
 * @param toolCalls     the tool calls, empty when none
 * @param finishReason  the raw finish reason, null when the server sent none
 * @param refusal       the refusal text, "" when none
 */
public record ChatChoice(int index, String text, String reasoning, List<ToolCall> toolCalls,
                         String finishReason, String refusal) {

    public ChatChoice {
        text = text == null ? "" : text;
        reasoning = reasoning == null ? "" : reasoning;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        refusal = refusal == null ? "" : refusal;
    }

    /** Returns whether any tool call of this choice has arguments that are not a JSON object. */
    public boolean hasMalformedToolCalls() {
        for (ToolCall call : toolCalls) {
            if (!call.argumentsValid()) {
                return true;
            }
        }
        return false;
    }
}
