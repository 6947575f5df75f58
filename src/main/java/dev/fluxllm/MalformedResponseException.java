package dev.fluxllm;

/** Signals a response that breaks the protocol: invalid JSON, a broken envelope, a stream that ended before it completed, or an event over the size limit. */
public class MalformedResponseException extends OpenAiCompatException {

    /** Creates the exception. */
    public MalformedResponseException(String message, ErrorDetails details, Throwable cause) {
        super(message, details, cause);
    }

    /** Creates the exception with a message alone. */
    public MalformedResponseException(String message) {
        this(message, ErrorDetails.of(false), null);
    }
}
