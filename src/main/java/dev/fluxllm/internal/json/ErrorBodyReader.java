package dev.fluxllm.internal.json;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the error shapes real servers send: OpenAI's {@code {"error":{...}}}, vLLM/SGLang's flat
 * {@code {"object":"error",...}}, TGI's and Ollama's {@code {"error":"text"}}, FastAPI's
 * {@code {"detail":...}}, Cloudflare's {@code {"success":false,"errors":[...]}}; null when the body
 * is none of them (or not JSON).
 */
public final class ErrorBodyReader {

    private ErrorBodyReader() {
    }

    /** Returns the error in the body, or null when the body holds none. */
    public static WireError read(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        JsonNode root;
        try {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            root = Json.MAPPER.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (JacksonException e) {
            return null;
        }
        return root == null ? null : fromTree(root);
    }

    /** Returns the error in a parsed body, or null when it holds none. */
    public static WireError fromTree(JsonNode root) {
        if (!root.isObject()) {
            return null;
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            return fromFields(error, text(root.get("error_type")));
        }
        if (error != null && error.isString()) {
            return new WireError(error.asString(), text(root.get("error_type")), null, null, 0);
        }
        if ("error".equals(text(root.get("object")))) {
            return fromFields(root, null);
        }
        JsonNode detail = root.get("detail");
        if (detail != null && !detail.isNull()) {
            return new WireError(detailMessage(detail), null, null, null, 0);
        }
        JsonNode errors = root.get("errors");
        if (root.path("success").isBoolean() && !root.get("success").asBoolean() && errors != null
                && errors.isArray() && !errors.isEmpty()) {
            return fromFields(errors.get(0), null);
        }
        return null;
    }

    /** Turns FastAPI's validation list into {@code body.messages: Field required; ...}. */
    private static String detailMessage(JsonNode detail) {
        if (detail.isString()) {
            return detail.asString();
        }
        if (!detail.isArray() || detail.isEmpty()) {
            return detail.toString();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : detail) {
            String msg = text(item.get("msg"));
            if (msg == null) {
                return detail.toString();
            }
            JsonNode loc = item.get("loc");
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            if (loc != null && loc.isArray() && !loc.isEmpty()) {
                for (int i = 0; i < loc.size(); i++) {
                    sb.append(i == 0 ? "" : ".").append(loc.get(i).asString());
                }
                sb.append(": ");
            }
            sb.append(msg);
        }
        return sb.toString();
    }

    private static WireError fromFields(JsonNode node, String fallbackType) {
        String message = text(node.get("message"));
        if (message == null) {
            message = node.toString();
        }
        String type = text(node.get("type"));
        JsonNode codeNode = node.get("code");
        String code = text(codeNode);
        int status = 0;
        JsonNode httpStatus = node.get("http_status_code");
        if (httpStatus != null && httpStatus.canConvertToInt()) {
            status = httpStatus.asInt();
        } else if (codeNode != null && codeNode.isIntegralNumber()
                && codeNode.asInt() >= 400 && codeNode.asInt() <= 599) {
            status = codeNode.asInt();
        }
        return new WireError(message, type != null ? type : fallbackType, code, text(node.get("param")), status);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asString() : node.toString();
    }
}
