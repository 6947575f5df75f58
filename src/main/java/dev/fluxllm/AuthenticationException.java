package dev.fluxllm;

/** Signals HTTP 401: the API key is missing, wrong or expired; never retried. */
public class AuthenticationException extends OpenAiCompatException {

    /** Creates the exception. */
    public AuthenticationException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public AuthenticationException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
