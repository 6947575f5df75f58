package dev.fluxllm.structured;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Checks a schema against OpenAI's strict-mode rules, one rule per message, for the tests. */
final class StrictRules {

    /** Keywords strict mode rejects. */
    static final Set<String> UNSUPPORTED = Set.of("allOf", "oneOf", "not", "if", "then", "else", "const",
            "patternProperties", "dependentRequired", "dependentSchemas", "unevaluatedProperties", "$schema");

    private StrictRules() {
    }

    /** Returns every broken rule, empty when the schema is fit for strict mode. */
    static List<String> broken(JsonNode schema) {
        List<String> out = new ArrayList<>();
        if (!"object".equals(schema.path("type").asString("")) || schema.has("anyOf")) {
            out.add("root: must be a plain object schema");
        }
        walk(schema, "", out, schema);
        return out;
    }

    private static void walk(JsonNode s, String at, List<String> out, JsonNode root) {
        if (!s.isObject()) {
            return;
        }
        for (String k : UNSUPPORTED) {
            if (s.has(k)) {
                out.add(at + ": unsupported keyword " + k);
            }
        }
        if (s.has("$ref")) {
            String ref = s.get("$ref").asString();
            if (!ref.equals("#") && root.at(ref.substring(1)).isMissingNode()) {
                out.add(at + ": dangling $ref " + ref);
            }
        }
        boolean object = s.path("type").asString("").equals("object")
                || s.path("type").isArray() && s.path("type").toString().contains("\"object\"");
        if (object) {
            if (!s.has("properties")) {
                out.add(at + ": object without properties");
            }
            if (!s.path("additionalProperties").isBoolean() || s.path("additionalProperties").asBoolean()) {
                out.add(at + ": additionalProperties must be false");
            }
            Set<String> props = new HashSet<>();
            s.path("properties").properties().forEach(e -> props.add(e.getKey()));
            Set<String> required = new HashSet<>();
            s.path("required").forEach(r -> required.add(r.asString()));
            if (!props.equals(required)) {
                out.add(at + ": required " + required + " must list every property " + props);
            }
        }
        s.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isObject()) {
                walk(v, at + "/" + e.getKey(), out, root);
            } else if (v.isArray()) {
                for (int i = 0; i < v.size(); i++) {
                    walk(v.get(i), at + "/" + e.getKey() + "/" + i, out, root);
                }
            }
        });
    }
}
