package dev.fluxllm;

/** Signals that a tool call's arguments are not a JSON object, when a caller asks for them parsed. */
public class MalformedToolCallException extends OpenAiCompatException {

    /** Creates the exception. */
    public MalformedToolCallException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public MalformedToolCallException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
