package dev.fluxllm.mcp;

/**
 * Names a tool a server listed that is not offered to the model, and why (a name OpenAI would
 * refuse, an input schema that is not a valid JSON Schema, a name taken by another tool).
 *
 * @param server  the server's name
 * @param name    the tool's name as the server sent it
 * @param reason  why it was left out
 */
public record RejectedTool(String server, String name, String reason) {
}
