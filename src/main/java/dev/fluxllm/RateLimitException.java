package dev.fluxllm;

/** Signals HTTP 429: too many requests or tokens; retried after the server's {@code Retry-After}. */
public class RateLimitException extends OpenAiCompatException {

    /** Creates the exception. */
    public RateLimitException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public RateLimitException(String message) {
        this(message, ErrorDetails.of(true), null);
    }
}
