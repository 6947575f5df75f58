package dev.fluxllm.batch;

import dev.fluxllm.ChatRequest;

/**
 * Holds one parsed input line (or record) in the OpenAI Batch API's input format: either a
 * request ready to send, or the problem that keeps it from being sent.
 *
 * @param where     where the input came from, e.g. {@code line 7} or {@code partition 2 offset 41}
 * @param customId  the {@code custom_id}, null when the line has none
 * @param request   the request, null when the line is invalid
 * @param problem   why the line cannot be sent, null when it is valid
 */
public record BatchLine(String where, String customId, ChatRequest request, String problem) {

    /** Returns whether the line carries a request that can be sent. */
    public boolean isValid() {
        return problem == null;
    }

    /** Returns a copy of this line marked invalid for {@code reason}. */
    public BatchLine invalid(String reason) {
        return new BatchLine(where, customId, null, reason);
    }
}
