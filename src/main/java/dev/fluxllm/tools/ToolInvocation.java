package dev.fluxllm.tools;

import dev.fluxllm.ToolCall;
import java.time.Duration;
import java.util.Objects;

/**
 * Records one tool call of a {@link ToolLoop} and what the model was told about it.
 *
 * @param turn      the model call (from 1) whose response requested it
 * @param call      the call as the model sent it
 * @param status    what became of it
 * @param result    the text sent back to the model as the tool message
 * @param error     the tool's failure, or what was wrong with the call; null when it succeeded
 * @param duration  how long the tool ran, zero when it did not run
 */
public record ToolInvocation(int turn, ToolCall call, Status status, String result, Throwable error,
                             Duration duration) {

    /** Says what became of a tool call. */
    public enum Status {
        /** The tool ran and returned a result. */
        SUCCEEDED,
        /** The tool ran and failed; the model was told the error. */
        FAILED,
        /** The arguments were not a JSON object; the tool did not run and the model was asked again. */
        MALFORMED_ARGUMENTS,
        /** No tool has this name; the model was asked again. */
        UNKNOWN_TOOL,
        /** The call was valid but another call of the same response was not, so none of them ran. */
        NOT_RUN
    }

    public ToolInvocation {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(duration, "duration");
    }

    /** Returns whether the tool ran and returned a result. */
    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }
}
