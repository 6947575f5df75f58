package dev.fluxllm.mcp;

import dev.fluxllm.ErrorDetails;
import dev.fluxllm.OpenAiCompatException;

/**
 * Signals that an MCP server failed a {@code tools/call} itself (its connection died, it answered
 * with a protocol error, it timed out), as opposed to a tool that reported an error
 * ({@code isError: true}), which goes back to the model as the tool's text.
 */
public class McpToolException extends OpenAiCompatException {

    private final String server;
    private final String tool;

    /** Creates the exception. */
    public McpToolException(String server, String tool, String message, Throwable cause) {
        super(message, ErrorDetails.of(false), cause);
        this.server = server;
        this.tool = tool;
    }

    /** Returns the server's name. */
    public String server() {
        return server;
    }

    /** Returns the tool's name as the model knows it (with any prefix). */
    public String tool() {
        return tool;
    }
}
