package dev.fluxllm;

/** Signals HTTP 403: the key may not use this model or endpoint; never retried. */
public class PermissionDeniedException extends OpenAiCompatException {

    /** Creates the exception. */
    public PermissionDeniedException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public PermissionDeniedException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
