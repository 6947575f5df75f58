package dev.fluxllm.batch;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Holds the outcome of one input of a batch: exactly one per input, success or failure.
 *
 * @param index     the input's position in the request Flux, from 0
 * @param request   the request as taken from upstream
 * @param response  the response, null when the input failed
 * @param error     why the input failed, null when it succeeded
 * @param attempts  how many times the request was sent, counting the client's own retries
 * @param latency   the time from the first send to the outcome, waits between resends included
 */
public record BatchResult(long index, ChatRequest request, ChatResponse response, Throwable error,
                          int attempts, Duration latency) {

    public BatchResult {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(latency, "latency");
        if ((response == null) == (error == null)) {
            throw new IllegalArgumentException("a batch result has exactly one of response and error");
        }
    }

    /** Returns whether the input got a response. */
    public boolean isSuccess() {
        return response != null;
    }

    @Override
    public String toString() {
        return "BatchResult[index=" + index + ", " + (isSuccess() ? "ok" : "error=" + error)
                + ", attempts=" + attempts + ", latency=" + latency.toMillis() + "ms]";
    }
}
