package dev.fluxllm.internal.assembly;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.ToolCallDelta;

/** Accumulates the deltas of one choice: content, reasoning, refusal, tool calls, finish reason. */
final class ChoiceAssembler {

    private final int index;
    /**
     * The first content delta as it came, until a second one arrives: a stream held open after
     * one delta keeps that string, not a builder with a copy of it.
     */
    private String firstText;
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
            // Sized from the first two deltas, grown by doubling: a stream held open keeps this
            // builder, and most of a larger fixed start would sit unused while it waits.
            if (text != null) {
                text.append(c.content());
            } else if (firstText == null) {
                firstText = c.content();
            } else {
                text = new StringBuilder(firstText.length() + c.content().length() + 16).append(firstText).append(c.content());
                firstText = null;
            }
        }
        if (!c.reasoning().isEmpty()) {
            if (reasoning == null) {
                reasoning = new StringBuilder(c.reasoning());
            } else {
                reasoning.append(c.reasoning());
            }
        }
        if (!c.refusal().isEmpty()) {
            if (refusal == null) {
                refusal = new StringBuilder(c.refusal());
            } else {
                refusal.append(c.refusal());
            }
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
        return new ChatChoice(index, text != null ? text.toString() : firstText != null ? firstText : "",
                reasoning == null ? "" : reasoning.toString(),
                toolCalls == null ? null : toolCalls.build(), finishReason,
                refusal == null ? "" : refusal.toString());
    }
}
