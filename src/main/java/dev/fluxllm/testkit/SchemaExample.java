package dev.fluxllm.testkit;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Answers with an example value of the JSON Schema a request asks for. */
final class SchemaExample {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Deeper than this, recursive types stop: arrays empty, nullable values null. */
    private static final int MAX_DEPTH = 6;

    private SchemaExample() {
    }

    static Reply reply(RecordedRequest request) {
        JsonNode schema = schemaOf(request.json());
        if (schema == null) {
            return EchoResponder.reply(request);
        }
        return Reply.text(example(schema, schema, 0).toString());
    }

    /** Finds the schema in {@code response_format.json_schema.schema}, or after "JSON Schema:" in a system message. */
    private static JsonNode schemaOf(JsonNode body) {
        JsonNode format = body.path("response_format");
        if (format.path("json_schema").path("schema").isObject()) {
            return format.path("json_schema").path("schema");
        }
        if (format.path("schema").isObject()) {
            return format.path("schema");
        }
        JsonNode text = body.path("text").path("format").path("schema");
        if (text.isObject()) {
            return text;
        }
        for (JsonNode m : body.path("messages")) {
            String content = m.path("content").asString("");
            int at = content.indexOf("JSON Schema:");
            if (m.path("role").asString("").equals("system") && at >= 0) {
                try {
                    return WireJson.MAPPER.readTree(content.substring(content.indexOf('{', at)));
                } catch (JacksonException | StringIndexOutOfBoundsException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static JsonNode example(JsonNode s, JsonNode root, int depth) {
        if (s.has("$ref")) {
            return example(resolve(root, s.get("$ref").asString()), root, depth + 1);
        }
        if (s.has("enum")) {
            return s.get("enum").get(0);
        }
        if (s.has("const")) {
            return s.get("const");
        }
        if (s.has("anyOf")) {
            for (JsonNode option : s.get("anyOf")) {
                if (!"null".equals(option.path("type").asString("")) || s.get("anyOf").size() == 1) {
                    return depth > MAX_DEPTH && hasNull(s.get("anyOf")) ? NODES.nullNode() : example(option, root, depth);
                }
            }
        }
        String type = typeOf(s.path("type"));
        if (depth > MAX_DEPTH && s.path("type").isArray()) {
            return NODES.nullNode();
        }
        return switch (type) {
            case "object" -> {
                ObjectNode o = NODES.objectNode();
                s.path("properties").properties().forEach(e -> o.set(e.getKey(), example(e.getValue(), root, depth + 1)));
                yield o;
            }
            case "array" -> {
                ArrayNode a = NODES.arrayNode();
                int n = Math.max(depth > MAX_DEPTH ? 0 : 1, s.path("minItems").asInt(0));
                for (int i = 0; i < n; i++) {
                    a.add(example(s.path("items"), root, depth + 1));
                }
                yield a;
            }
            case "integer" -> NODES.numberNode(s.path("minimum").asInt(0));
            case "number" -> NODES.numberNode(s.path("minimum").asDouble(0));
            case "boolean" -> NODES.booleanNode(false);
            case "null" -> NODES.nullNode();
            default -> NODES.stringNode(stringExample(s));
        };
    }

    private static String typeOf(JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!t.asString().equals("null")) {
                    return t.asString();
                }
            }
            return "null";
        }
        return type.asString("string");
    }

    private static boolean hasNull(JsonNode options) {
        for (JsonNode o : options) {
            if ("null".equals(o.path("type").asString(""))) {
                return true;
            }
        }
        return false;
    }

    private static String stringExample(JsonNode s) {
        return switch (s.path("format").asString("")) {
            case "date" -> "2024-01-01";
            case "date-time" -> "2024-01-01T00:00:00Z";
            case "time" -> "00:00:00Z";
            case "duration" -> "PT1H";
            case "uuid" -> "00000000-0000-0000-0000-000000000000";
            case "email" -> "user@example.com";
            case "ipv4" -> "192.0.2.1";
            case "ipv6" -> "2001:db8::1";
            case "hostname" -> "example.com";
            case "uri" -> "https://example.com";
            default -> s.has("pattern") && s.get("pattern").asString().contains("T\\d{2}") ? "2024-01-01T00:00:00"
                    : s.has("pattern") && s.get("pattern").asString().startsWith("^\\d{2}:") ? "00:00:00" : "example";
        };
    }

    private static JsonNode resolve(JsonNode root, String ref) {
        if (ref.equals("#")) {
            return root;
        }
        return root.at(ref.substring(1));
    }
}
