package dev.fluxllm.tools;

import dev.fluxllm.ChatResponse;
import dev.fluxllm.ToolCall;

/**
 * Tells what a {@link ToolLoop} is doing, as it happens: content as it streams, each tool call
 * starting and finishing, each turn ending, and the whole loop ending with its result.
 */
public sealed interface ToolLoopEvent {

    /** Returns the model call (from 1) the event belongs to. */
    int turn();

    /** Carries a piece of the model's text: a streamed delta, or the whole text when not streaming. */
    record ContentDelta(int turn, String text) implements ToolLoopEvent {
    }

    /** Says that a tool started running. */
    record ToolCallStarted(int turn, ToolCall call) implements ToolLoopEvent {
    }

    /** Says that a tool call is settled: it ran, failed, or was refused without running. */
    record ToolCallFinished(int turn, ToolInvocation invocation) implements ToolLoopEvent {
    }

    /** Says that a turn is over: the model answered and the tools it asked for are settled. */
    record TurnFinished(int turn, ChatResponse response) implements ToolLoopEvent {
    }

    /** Ends the events of a loop: the last event, carrying the result. */
    record Finished(int turn, ToolLoopResult result) implements ToolLoopEvent {
    }
}
