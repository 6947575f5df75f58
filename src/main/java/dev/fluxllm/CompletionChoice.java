package dev.fluxllm;

/**
 * Holds one choice of a legacy text completion (whole or one streamed delta).
 *
 * @param index         the choice's index
 * @param text          the generated text (or its delta), "" when none
 * @param finishReason  the raw finish reason, null until one arrives
 */
public record CompletionChoice(int index, String text, String finishReason) {

    public CompletionChoice {
        text = text == null ? "" : text;
    }
}
