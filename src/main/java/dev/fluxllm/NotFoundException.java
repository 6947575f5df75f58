package dev.fluxllm;

/** Signals HTTP 404: no such model, deployment or endpoint; never retried. */
public class NotFoundException extends OpenAiCompatException {

    /** Creates the exception. */
    public NotFoundException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public NotFoundException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
