package dev.fluxllm.batch;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ContentPart;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;

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
        for (ChatMessage m : request.messages()) {
            overhead += PER_MESSAGE_OVERHEAD;
            chars += m.text().length();
            if (m.parts() != null) {
                for (ContentPart part : m.parts()) {
                    chars += String.valueOf(part).length();
                }
            }
            for (ToolCall call : m.toolCalls()) {
                chars += call.name().length() + call.arguments().length();
            }
        }
        for (Tool tool : request.tools()) {
            chars += tool.name().length() + tool.parametersJson().length()
                    + (tool.description() == null ? 0 : tool.description().length());
        }
        long completion = request.maxTokens() != null ? request.maxTokens()
                : request.maxCompletionTokens() != null ? request.maxCompletionTokens() : defaultCompletionTokens;
        return Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + overhead + completion);
    }
}
