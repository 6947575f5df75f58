package dev.fluxllm;

import java.time.Duration;

/**
 * Describes what the server (or the network) said when a call failed: the HTTP status, the
 * error fields of the body, the request id, and how many attempts were made.
 *
 * <p>Every field may be absent: {@code statusCode} is 0 when there was no HTTP status, strings are
 * null when the server sent none, {@code retryAfter} is null without a {@code Retry-After} hint.
 *
 * @param statusCode  the HTTP status, 0 when none was received
 * @param errorType   the error's {@code type} (or {@code error_type}), null when absent
 * @param errorCode   the error's {@code code} as text (vLLM sends a number), null when absent
 * @param param       the error's {@code param}, null when absent
 * @param requestId   the {@code x-request-id} response header, null when absent
 * @param body        the start of the response body, capped, null when there was none
 * @param retryAfter  how long the server asked the client to wait, null when it did not say
 * @param retryable   whether sending the same request again may succeed
 * @param attempts    how many attempts were made before this error reached the caller
 */
public record ErrorDetails(int statusCode, String errorType, String errorCode, String param,
                           String requestId, String body, Duration retryAfter, boolean retryable,
                           int attempts) {

    /** Returns details that say nothing but whether a retry may help. */
    public static ErrorDetails of(boolean retryable) {
        return new ErrorDetails(0, null, null, null, null, null, null, retryable, 1);
    }

    /** Returns a copy with the given number of attempts. */
    public ErrorDetails withAttempts(int attempts) {
        return new ErrorDetails(statusCode, errorType, errorCode, param, requestId, body, retryAfter,
                retryable, attempts);
    }

    /** Returns a copy that says whether a retry may help. */
    public ErrorDetails withRetryable(boolean retryable) {
        return new ErrorDetails(statusCode, errorType, errorCode, param, requestId, body, retryAfter,
                retryable, attempts);
    }
}
