package dev.fluxllm.batch;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ContentPart;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import java.util.List;

/**
 * Estimates the tokens a request will use before the server says: about four characters per
 * prompt token, plus the completion budget. Rough on purpose; reported usage corrects it.
 */
final class TokenEstimate {

    private static final int CHARS_PER_TOKEN = 4;
    private static final int PER_MESSAGE_OVERHEAD = 4;

    private TokenEstimate() {
    }

    /** Returns the estimate, at least 1. */
    public static long of(ChatRequest request, int defaultCompletionTokens) {
        long chars = 0;
        long overhead = 0;
        // Indexed loops over the request's immutable (random-access) lists: no iterator per list per input.
        List<ChatMessage> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            overhead += PER_MESSAGE_OVERHEAD;
            chars += m.text().length();
            List<ContentPart> parts = m.parts();
            if (parts != null) {
                for (int j = 0; j < parts.size(); j++) {
                    chars += String.valueOf(parts.get(j)).length();
                }
            }
            List<ToolCall> calls = m.toolCalls();
            for (int j = 0; j < calls.size(); j++) {
                ToolCall call = calls.get(j);
                chars += call.name().length() + call.arguments().length();
            }
        }
        List<Tool> tools = request.tools();
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            chars += tool.name().length() + tool.parametersJson().length()
                    + (tool.description() == null ? 0 : tool.description().length());
        }
        long completion = request.maxTokens() != null ? request.maxTokens()
                : request.maxCompletionTokens() != null ? request.maxCompletionTokens() : defaultCompletionTokens;
        return Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + overhead + completion);
    }
}
