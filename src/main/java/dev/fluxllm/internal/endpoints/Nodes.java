package dev.fluxllm.internal.endpoints;

import dev.fluxllm.Usage;
import dev.fluxllm.internal.json.Json;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Reads the small shared pieces of JSON answers and writes request bodies. */
final class Nodes {

    private Nodes() {
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? "" : v.asString();
    }

    static String textOrNull(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    static long number(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isNumber() ? v.asLong() : 0;
    }

    /** Returns the usage object's counts, null when absent. */
    static Usage usage(JsonNode root) {
        JsonNode u = root.get("usage");
        if (u == null || !u.isObject()) {
            return null;
        }
        long prompt = number(u, "prompt_tokens");
        long completion = number(u, "completion_tokens");
        long total = u.has("total_tokens") ? number(u, "total_tokens") : prompt + completion;
        return new Usage(prompt, completion, total);
    }

    /** Writes a body: typed fields first (null ones left out), then extras, which win. */
    static byte[] body(Map<String, Object> typed, Map<String, Object> extra) {
        typed.values().removeIf(v -> v == null);
        typed.putAll(extra);
        return Json.MAPPER.writeValueAsBytes(typed);
    }
}
