package dev.fluxllm;

/**
 * Signals that a call was refused or ended because its client is closing
 * ({@link OpenAiCompatClient#closeGracefully}) or closed. Never retryable: every later call on
 * that client gets it too. A batch that meets it stops taking inputs.
 */
public class ClientClosedException extends ConnectionException {

    /** Creates the exception. */
    public ClientClosedException(String message) {
        super(message, ErrorDetails.of(false), null);
    }
}
