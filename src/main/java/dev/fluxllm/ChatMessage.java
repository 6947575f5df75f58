package dev.fluxllm;

import java.util.List;
import java.util.Objects;

/**
 * Holds one message of a conversation: system, user, assistant (with text and/or tool calls) or
 * a tool result. Plain text content is sent as a JSON string; parts as an array.
 */
public final class ChatMessage {

    private final String role;
    private final String content;
    private final List<ContentPart> parts;
    private final String name;
    private final List<ToolCall> toolCalls;
    private final String toolCallId;

    private ChatMessage(String role, String content, List<ContentPart> parts, String name,
                        List<ToolCall> toolCalls, String toolCallId) {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("message role must not be blank");
        }
        this.role = role;
        this.content = content;
        this.parts = parts == null ? null : List.copyOf(parts);
        this.name = name;
        this.toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        this.toolCallId = toolCallId;
    }

    /** Creates a system message. */
    public static ChatMessage system(String text) {
        return of("system", text);
    }

    /** Creates a user message. */
    public static ChatMessage user(String text) {
        return of("user", text);
    }

    /** Creates a user message of several parts (text, image URLs). */
    public static ChatMessage user(List<ContentPart> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("user message parts must not be empty");
        }
        return new ChatMessage("user", null, parts, null, null, null);
    }

    /** Creates an assistant message. */
    public static ChatMessage assistant(String text) {
        return of("assistant", text);
    }

    /** Creates an assistant message that requested tool calls; text may be null or "". */
    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", text, null, null, toolCalls, null);
    }

    /** Creates the assistant message that a response's choice 0 amounts to, for the next turn. */
    public static ChatMessage assistant(ChatResponse response) {
        Objects.requireNonNull(response, "response");
        return assistant(response.text(), response.toolCalls());
    }

    /** Creates a tool message carrying the result of the call with the given id. */
    public static ChatMessage toolResult(String toolCallId, String text) {
        if (toolCallId == null) {
            throw new IllegalArgumentException("toolCallId must not be null");
        }
        return new ChatMessage("tool", Objects.requireNonNull(text, "text"), null, null, null, toolCallId);
    }

    /** Creates a text message with any role. */
    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, Objects.requireNonNull(text, "text"), null, null, null, null);
    }

    /** Returns a copy carrying a participant {@code name}. */
    public ChatMessage withName(String name) {
        return new ChatMessage(role, content, parts, name, toolCalls, toolCallId);
    }

    /** Returns the role. */
    public String role() {
        return role;
    }

    /** Returns the text content, "" when the message has parts or no text. */
    public String text() {
        return content == null ? "" : content;
    }

    /** Returns the text content as sent: null for parts-only or tool-call-only messages. */
    public String content() {
        return content;
    }

    /** Returns the content parts, null when the content is plain text. */
    public List<ContentPart> parts() {
        return parts;
    }

    /** Returns the participant name, null when none. */
    public String name() {
        return name;
    }

    /** Returns the tool calls of an assistant message, empty when none. */
    public List<ToolCall> toolCalls() {
        return toolCalls;
    }

    /** Returns the id of the call a tool message answers, null for other roles. */
    public String toolCallId() {
        return toolCallId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatMessage m && role.equals(m.role) && Objects.equals(content, m.content)
                && Objects.equals(parts, m.parts) && Objects.equals(name, m.name)
                && toolCalls.equals(m.toolCalls) && Objects.equals(toolCallId, m.toolCallId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, content, parts, name, toolCalls, toolCallId);
    }

    @Override
    public String toString() {
        return "ChatMessage[" + role + ": " + (content != null ? content : parts)
                + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls)
                + (toolCallId == null ? "" : ", toolCallId=" + toolCallId) + "]";
    }
}
