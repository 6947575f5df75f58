package dev.fluxllm.internal.endpoints;

import dev.fluxllm.ScoreRequest;
import dev.fluxllm.ScoreResponse;
import dev.fluxllm.internal.transport.HttpReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Writes SGLang {@code POST /score} bodies and reads their answers. */
public final class Scores {

    /** The path under the base URL. */
    public static final String PATH = "/score";

    private Scores() {
    }

    /** Returns the JSON body; {@code model} may be null (then not sent). */
    public static byte[] body(ScoreRequest r, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("query", r.query());
        m.put("items", r.items());
        m.put("label_token_ids", r.labelTokenIds());
        m.put("apply_softmax", r.applySoftmax());
        m.put("item_first", r.itemFirst());
        return Nodes.body(m, r.extra());
    }

    /** Parses the answer. */
    public static ScoreResponse parse(HttpReply reply) {
        JsonNode root = EndpointCalls.tree(reply, "Score response");
        JsonNode scores = root.get("scores");
        if (scores == null || !scores.isArray()) {
            throw EndpointCalls.malformed(reply, "Score response has no 'scores' array");
        }
        List<List<Double>> out = new ArrayList<>(scores.size());
        for (JsonNode item : scores) {
            if (!item.isArray()) {
                throw EndpointCalls.malformed(reply, "Score response item is not an array");
            }
            List<Double> row = new ArrayList<>(item.size());
            for (JsonNode v : item) {
                row.add(v.asDouble());
            }
            out.add(List.copyOf(row));
        }
        return new ScoreResponse(Nodes.text(root, "model"), List.copyOf(out), Nodes.usage(root));
    }
}
