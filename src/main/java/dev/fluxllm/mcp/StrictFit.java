package dev.fluxllm.mcp;

import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Says whether a server's input schema may be sent with {@code strict: true}: every object lists
 * all its properties as required and forbids others, and no keyword strict mode refuses appears.
 * Otherwise strict is left out and the schema is still enforced here, before the call is sent.
 */
final class StrictFit {

    private static final Set<String> REFUSED = Set.of("allOf", "oneOf", "not", "if", "then", "else",
            "patternProperties", "dependentRequired", "dependentSchemas", "unevaluatedProperties", "const");

    private StrictFit() {
    }

    static boolean allows(JsonNode schema) {
        return "object".equals(schema.path("type").asString("")) && fits(schema);
    }

    private static boolean fits(JsonNode s) {
        if (!s.isObject()) {
            return true;
        }
        for (String k : REFUSED) {
            if (s.has(k)) {
                return false;
            }
        }
        if ("object".equals(s.path("type").asString(""))) {
            if (!s.has("properties") || !s.path("additionalProperties").isBoolean()
                    || s.path("additionalProperties").asBoolean()) {
                return false;
            }
            Set<String> props = new HashSet<>();
            s.path("properties").properties().forEach(e -> props.add(e.getKey()));
            Set<String> required = new HashSet<>();
            s.path("required").forEach(r -> required.add(r.asString()));
            if (!props.equals(required)) {
                return false;
            }
        }
        for (var e : s.properties()) {
            JsonNode v = e.getValue();
            if (v.isObject() && !fits(v)) {
                return false;
            }
            if (v.isArray()) {
                for (JsonNode x : v) {
                    if (!fits(x)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
