package dev.fluxllm.tools;

import dev.fluxllm.ErrorDetails;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;

/**
 * Ends a {@link ToolLoop} configured to stop on tool errors: a tool failed. The cause is the
 * tool's own error; {@link #call()} says which call it was.
 */
public class ToolExecutionException extends OpenAiCompatException {

    private final transient ToolCall call;

    /** Creates the exception for the call that failed with {@code cause}. */
    public ToolExecutionException(ToolCall call, Throwable cause) {
        super("Tool '" + call.name() + "' (call '" + call.id() + "') failed: " + cause, ErrorDetails.of(false), cause);
        this.call = call;
    }

    /** Returns the call whose tool failed. */
    public ToolCall call() {
        return call;
    }
}
