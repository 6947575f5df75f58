package dev.fluxllm;

/** Signals an HTTP 5xx status: the server failed; retried by default. */
public class ServerException extends OpenAiCompatException {

    /** Creates the exception. */
    public ServerException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public ServerException(String message) {
        this(message, ErrorDetails.of(true), null);
    }
}
