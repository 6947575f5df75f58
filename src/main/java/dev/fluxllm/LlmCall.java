package dev.fluxllm;

import java.time.Instant;

/**
 * Identifies one call (one subscription) that listeners hear about.
 *
 * @param requestId  the id from the Reactor {@code Context} key {@link LlmListener#REQUEST_ID_KEY},
 *                   else a generated {@code req_<16 hex>}; several calls may share one (a router's failover)
 * @param client     the client's name
 * @param operation  {@code chat}, {@code chat.stream}, {@code completions}, {@code completions.stream},
 *                   {@code embeddings}, {@code score}, {@code models}, {@code post}, {@code events},
 *                   {@code responses}, {@code responses.stream}; a tool loop reports itself as
 *                   {@code tool_loop} and each tool it runs as {@code execute_tool}
 * @param model      the model sent, null when the call names none
 * @param baseUrl    the client's base URL
 * @param path       the path under the base URL, e.g. {@code /chat/completions}
 * @param startedAt  when the call was subscribed
 */
public record LlmCall(String requestId, String client, String operation, String model, String baseUrl,
                      String path, Instant startedAt) {
}
