package dev.fluxllm;

/** Signals that the connection was refused, reset, or closed before a response was complete. */
public class ConnectionException extends OpenAiCompatException {

    /** Creates the exception. */
    public ConnectionException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public ConnectionException(String message) {
        this(message, ErrorDetails.of(true), null);
    }
}
