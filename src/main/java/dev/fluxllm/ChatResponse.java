package dev.fluxllm;

import java.util.List;

/**
 * Holds a whole chat completion, from {@code generate} or assembled from a stream by
 * {@link ChatStreams#assemble}. The accessors without a choice read choice 0.
 *
 * @param id       the completion id, "" when absent
 * @param model    the model that answered, "" when absent
 * @param created  the Unix time in seconds, 0 when absent
 * @param choices  the choices, ordered by index
 * @param usage    the token counts, null when the server reported none
 */
public record ChatResponse(String id, String model, long created, List<ChatChoice> choices, Usage usage) {

    private static final ChatChoice NONE = new ChatChoice(0, "", "", List.of(), null, "");

    public ChatResponse {
        id = id == null ? "" : id;
        model = model == null ? "" : model;
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    private ChatChoice first() {
        return choices.isEmpty() ? NONE : choices.get(0);
    }

    /** Returns the content of choice 0, "" when none. */
    public String text() {
        return first().text();
    }

    /** Returns the reasoning of choice 0, "" when none. */
    public String reasoning() {
        return first().reasoning();
    }

    /** Returns the refusal of choice 0 ({@code message.refusal}: the model declined), "" when none. */
    public String refusal() {
        return first().refusal();
    }

    /** Returns the tool calls of choice 0, empty when none. */
    public List<ToolCall> toolCalls() {
        return first().toolCalls();
    }

    /** Returns the finish reason of choice 0, null when none arrived. */
    public String finishReason() {
        return first().finishReason();
    }

    /**
     * Returns whether any tool call, in any choice, has arguments that are not a JSON object: a
     * caller must then not run any of them.
     */
    public boolean hasMalformedToolCalls() {
        for (ChatChoice choice : choices) {
            if (choice.hasMalformedToolCalls()) {
                return true;
            }
        }
        return false;
    }
}
