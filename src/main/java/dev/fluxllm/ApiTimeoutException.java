package dev.fluxllm;

/** Signals that a connect, response or stream-idle timeout elapsed (or HTTP 408). */
public class ApiTimeoutException extends OpenAiCompatException {

    /** Creates the exception. */
    public ApiTimeoutException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public ApiTimeoutException(String message) {
        this(message, ErrorDetails.of(true), null);
    }
}
