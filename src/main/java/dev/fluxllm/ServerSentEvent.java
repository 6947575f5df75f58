package dev.fluxllm;

/**
 * Holds one raw server-sent event, as {@link OpenAiCompatClient#streamEvents(String, Object)} emits it.
 *
 * @param type  the {@code event:} field, {@code message} when the event had none
 * @param data  the data lines joined with {@code \n}, as text
 * @param id    the last event id seen in the stream ({@code id:}), "" when none
 */
public record ServerSentEvent(String type, String data, String id) {
}
