package dev.fluxllm.internal.transport;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Holds an aggregated response.
 *
 * @param status   the HTTP status code
 * @param reason   the status reason phrase
 * @param headers  the response headers
 * @param body     the whole body, empty when none
 */
public record HttpReply(int status, String reason, HttpHeaders headers, byte[] body) {

    /** Returns the {@code x-request-id} header, null when absent. */
    public String requestId() {
        return headers.get("x-request-id");
    }
}
