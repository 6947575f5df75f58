package dev.fluxllm.internal.assembly;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.ToolCallDelta;

/** Accumulates the deltas of one choice: content, reasoning, refusal, tool calls, finish reason. */
final class ChoiceAssembler {

    private final int index;
    private StringBuilder text;
    private StringBuilder reasoning;
    private StringBuilder refusal;
    private ToolCallAssembler toolCalls;
    private String finishReason;

    ChoiceAssembler(int index) {
        this.index = index;
    }

    void add(ChunkChoice c) {
        if (!c.content().isEmpty()) {
            if (text == null) {
                text = new StringBuilder(256);
            }
            text.append(c.content());
        }
        if (!c.reasoning().isEmpty()) {
            if (reasoning == null) {
                reasoning = new StringBuilder(256);
            }
            reasoning.append(c.reasoning());
        }
        if (!c.refusal().isEmpty()) {
            if (refusal == null) {
                refusal = new StringBuilder(64);
            }
            refusal.append(c.refusal());
        }
        if (!c.toolCalls().isEmpty()) {
            if (toolCalls == null) {
                toolCalls = new ToolCallAssembler();
            }
            for (ToolCallDelta d : c.toolCalls()) {
                toolCalls.add(d);
            }
        }
        if (c.finishReason() != null) {
            finishReason = c.finishReason();
        }
    }

    boolean finished() {
        return finishReason != null;
    }

    ChatChoice build() {
        return new ChatChoice(index, text == null ? "" : text.toString(),
                reasoning == null ? "" : reasoning.toString(),
                toolCalls == null ? null : toolCalls.build(), finishReason,
                refusal == null ? "" : refusal.toString());
    }
}
