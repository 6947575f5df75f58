package dev.fluxllm;

import java.time.Duration;
import java.util.Objects;

/**
 * Signals that a call to an OpenAI-compatible server failed; the root of every error this library
 * raises. Unchecked.
 *
 * <p>{@link #isRetryable()} says whether the same request may succeed when sent again, and
 * {@link #attempts()} how many attempts were made before the error reached the caller.
 */
public class OpenAiCompatException extends RuntimeException {

    private final ErrorDetails details;
    private volatile ChatResponse partialResponse;
    private volatile Object partialResult;

    /** Creates an exception with the given message and details. */
    public OpenAiCompatException(String message, ErrorDetails details, Throwable cause) {
        super(message, cause);
        this.details = Objects.requireNonNull(details, "details");
    }

    /** Creates an exception with a message alone: no status, not retryable. */
    public OpenAiCompatException(String message) {
        this(message, ErrorDetails.of(false), null);
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        int attempts = details.attempts();
        return attempts > 1 ? message + " (after " + attempts + " attempts)" : message;
    }

    /** Returns what the server said, as far as it said anything. */
    public ErrorDetails details() {
        return details;
    }

    /** Returns the HTTP status code, 0 when no status was received. */
    public int statusCode() {
        return details.statusCode();
    }

    /** Returns the error's {@code type} from the body, null when absent. */
    public String errorType() {
        return details.errorType();
    }

    /** Returns the error's {@code code} from the body as text, null when absent. */
    public String errorCode() {
        return details.errorCode();
    }

    /** Returns the {@code x-request-id} of the failed response, null when absent. */
    public String requestId() {
        return details.requestId();
    }

    /** Returns whether sending the same request again may succeed. */
    public boolean isRetryable() {
        return details.retryable();
    }

    /** Returns how many attempts were made, 1 when the call was not retried. */
    public int attempts() {
        return details.attempts();
    }

    /** Returns how long the server asked to wait before a retry, null when it did not say. */
    public Duration retryAfter() {
        return details.retryAfter();
    }

    /**
     * Returns what a stream had delivered before it failed, assembled, when the failure went
     * through {@link ChatStreams#assemble}; null otherwise.
     */
    public ChatResponse partialResponse() {
        return partialResponse;
    }

    void attachPartialResponse(ChatResponse partial) {
        if (this.partialResponse == null) {
            this.partialResponse = partial;
        }
        attachPartialResult(partial);
    }

    /**
     * Returns what a stream had delivered before it failed, assembled as {@code type} (a
     * {@link ChatResponse} from {@link ChatStreams#assemble}, a {@code dev.fluxllm.responses.Response}
     * from {@code ResponseStreams.assemble}); null when nothing of that type was attached.
     */
    public <T> T partialResult(Class<T> type) {
        Object p = partialResult;
        return type.isInstance(p) ? type.cast(p) : null;
    }

    /**
     * Attaches what a stream had delivered before this failure, assembled; for assemblers
     * ({@code ChatStreams}, {@code ResponseStreams}). The first attached value stays.
     */
    public void attachPartialResult(Object partial) {
        if (this.partialResult == null && partial != null) {
            this.partialResult = partial;
        }
    }
}
