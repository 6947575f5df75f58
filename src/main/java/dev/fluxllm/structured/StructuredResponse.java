package dev.fluxllm.structured;

import dev.fluxllm.ChatResponse;
import java.util.Objects;

/**
 * Holds a typed answer together with the response it came from (usage, id, finish reason, raw text).
 *
 * @param value     the answer, validated against the type's schema and mapped
 * @param response  the model's last response (after any repairs)
 * @param attempts  how many model calls it took: 1, plus one per repair
 */
public record StructuredResponse<T>(T value, ChatResponse response, int attempts) {

    public StructuredResponse {
        Objects.requireNonNull(response, "response");
    }
}
