package dev.fluxllm.responses;

/**
 * Holds the error of a failed response ({@code error}) or of an {@code error} event.
 *
 * @param code     the error code, null when absent
 * @param message  the server's text, "" when absent
 */
public record ResponseError(String code, String message) {

    public ResponseError {
        message = message == null ? "" : message;
    }
}
