package dev.fluxllm;

/** Signals HTTP 400 or 422: the server refused the request as it was written; never retried. */
public class BadRequestException extends OpenAiCompatException {

    /** Creates the exception. */
    public BadRequestException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public BadRequestException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
