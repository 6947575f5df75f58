package dev.fluxllm.structured;

import dev.fluxllm.ChatResponse;
import java.util.List;

/** Signals that the model declined to answer ({@code message.refusal}); {@link #refusal()} says what it said. */
public class RefusalException extends StructuredOutputException {

    private final String refusal;

    /** Creates the exception. */
    public RefusalException(String refusal, String rawText, String finishReason, ChatResponse response) {
        super("The model refused to answer: " + refusal, rawText, List.of(), finishReason, response, false, null);
        this.refusal = refusal;
    }

    /** Returns the model's refusal text. */
    public String refusal() {
        return refusal;
    }
}
