package dev.fluxllm.tools;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatResponse;
import java.util.List;

/**
 * Holds the end of a {@link ToolLoop} conversation.
 *
 * @param response          the last model response: the answer, or the one that asked for tools
 *                          when the turn limit was hit
 * @param messages          the whole transcript: the request's messages, then every assistant
 *                          message and tool message in order, ending with the last response
 * @param turns             how many times the model was called
 * @param invocations       every tool call, in the order the model made them
 * @param turnLimitReached  whether the loop stopped because the model still asked for tools after
 *                          {@code maxTurns} calls; its last calls were then not run
 */
public record ToolLoopResult(ChatResponse response, List<ChatMessage> messages, int turns,
                             List<ToolInvocation> invocations, boolean turnLimitReached) {

    public ToolLoopResult {
        messages = List.copyOf(messages);
        invocations = List.copyOf(invocations);
    }

    /** Returns the final answer's text, "" when none. */
    public String text() {
        return response.text();
    }
}
