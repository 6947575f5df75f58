package dev.fluxllm.structured;

import dev.fluxllm.ChatResponse;
import dev.fluxllm.ErrorDetails;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.SchemaViolation;
import java.util.List;

/**
 * Signals that a model's answer could not become the requested Java type: it was not JSON, broke
 * the schema, could not be mapped, was cut off ({@code finish_reason: length}) or filtered, or the
 * model refused ({@link RefusalException}). Carries the raw text, the violations as JSON pointers
 * with messages, the finish reason and the response, so nothing the model said is lost.
 */
public class StructuredOutputException extends OpenAiCompatException {

    private final String rawText;
    private final List<SchemaViolation> violations;
    private final String finishReason;
    private final transient ChatResponse response;
    private final boolean repairable;

    /**
     * Creates the exception.
     *
     * @param repairable whether telling the model what was wrong may help (false for a refusal, a
     *                   cut-off or filtered answer)
     */
    public StructuredOutputException(String message, String rawText, List<SchemaViolation> violations,
                                     String finishReason, ChatResponse response, boolean repairable, Throwable cause) {
        super(message, ErrorDetails.of(false), cause);
        this.rawText = rawText == null ? "" : rawText;
        this.violations = violations == null ? List.of() : List.copyOf(violations);
        this.finishReason = finishReason;
        this.response = response;
        this.repairable = repairable;
    }

    /** Returns the answer's text exactly as the model wrote it, "" when there was none. */
    public String rawText() {
        return rawText;
    }

    /** Returns how the answer breaks the schema (a pointer {@code ""} means the whole answer), empty when not a schema problem. */
    public List<SchemaViolation> violations() {
        return violations;
    }

    /** Returns the answer's finish reason ({@code stop}, {@code length}, ...), null when none arrived. */
    public String finishReason() {
        return finishReason;
    }

    /** Returns the whole response (usage, id, model), null when the answer came from the Responses API. */
    public ChatResponse response() {
        return response;
    }

    /** Returns whether asking the model again with {@link #violations()} may give a valid answer. */
    public boolean isRepairable() {
        return repairable;
    }
}
