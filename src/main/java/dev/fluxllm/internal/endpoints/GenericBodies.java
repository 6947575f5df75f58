package dev.fluxllm.internal.endpoints;

import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.transport.HttpReply;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Writes and reads the bodies of calls to arbitrary endpoints ({@code post}, {@code streamEvents}). */
public final class GenericBodies {

    private GenericBodies() {
    }

    /** Returns the path when it is a clean absolute path under the base URL; refuses anything else. */
    public static String checkPath(String path) {
        if (path == null || !path.startsWith("/") || path.startsWith("//")
                || path.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new IllegalArgumentException("path must start with / and hold no spaces or control characters, got: "
                    + path);
        }
        return path;
    }

    /** Returns the body as JSON bytes: byte[] and String as they are, anything else through Jackson; null for none. */
    public static byte[] jsonBody(Object body) {
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return Json.MAPPER.writeValueAsBytes(body);
    }

    /** Reads a 2xx body as the type: raw for byte[] and String, a tree for JsonNode, else Jackson's mapping. */
    public static <T> T readAs(HttpReply reply, Class<T> type) {
        if (type == byte[].class) {
            return type.cast(reply.body());
        }
        if (type == String.class) {
            return type.cast(new String(reply.body(), StandardCharsets.UTF_8));
        }
        try {
            if (type == JsonNode.class) {
                return type.cast(Json.MAPPER.readTree(reply.body()));
            }
            return Json.MAPPER.readValue(reply.body(), type);
        } catch (JacksonException e) {
            throw ExceptionFactory.malformed("Response body is not a " + type.getSimpleName() + " ("
                    + e.getOriginalMessage() + "): " + ExceptionFactory.snippet(reply.body()), reply.requestId(), false, e);
        }
    }

}
