package dev.fluxllm;

import java.util.List;

/**
 * Holds the answer of the legacy {@code POST /completions}.
 *
 * @param id       the completion id, "" when absent
 * @param model    the model, "" when absent
 * @param created  the Unix time in seconds, 0 when absent
 * @param choices  the choices
 * @param usage    the token counts, null when not reported
 */
public record CompletionResponse(String id, String model, long created, List<CompletionChoice> choices, Usage usage) {

    /** Returns the text of choice 0, "" when none. */
    public String text() {
        return choices.isEmpty() ? "" : choices.get(0).text();
    }

    /** Returns the finish reason of choice 0, null when none. */
    public String finishReason() {
        return choices.isEmpty() ? null : choices.get(0).finishReason();
    }
}
