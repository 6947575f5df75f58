package dev.fluxllm;

/** Signals that the server reported an error inside a stream, after HTTP 200; the message carries the server's text. */
public class StreamErrorException extends OpenAiCompatException {

    /** Creates the exception. */
    public StreamErrorException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public StreamErrorException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
