package dev.fluxllm.batch;

import tools.jackson.databind.JsonNode;

/**
 * Holds one result line (or record) in the OpenAI Batch API's output format, as read back.
 *
 * @param id            the result's {@code id}
 * @param customId      the {@code custom_id} it answers, null when the input had none
 * @param statusCode    the HTTP status of {@code response}, 0 when there was no response
 * @param body          the {@code response.body}, null when there was no response
 * @param errorCode     the {@code error.code}, null when the input succeeded
 * @param errorMessage  the {@code error.message}, null when the input succeeded
 * @param line          the input line an invalid-input error names, 0 when none
 */
public record BatchOutcome(String id, String customId, int statusCode, JsonNode body, String errorCode,
                           String errorMessage, long line) {

    /** Returns whether the input got a successful response. */
    public boolean isSuccess() {
        return errorCode == null && statusCode >= 200 && statusCode < 300;
    }

    /** Returns whether this result reports an input line that could not be sent (bad JSON, no or duplicate id...). */
    public boolean isInvalidInput() {
        return line > 0;
    }
}
