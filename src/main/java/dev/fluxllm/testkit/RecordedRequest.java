package dev.fluxllm.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Holds one request as {@link ScriptedLlmServer} received it: method, path, headers, body text
 * and the body parsed as JSON. Immutable and safe to read from any thread.
 */
public final class RecordedRequest {

    private final String method;
    private final String uri;
    private final Map<String, List<String>> headers;
    private final String body;
    private final JsonNode json;

    /**
     * Creates a recorded request; the server does this, tests rarely need to.
     *
     * @param headers header names to values, in any case; copied
     * @param body    the body decoded as UTF-8, "" when there was none
     */
    public RecordedRequest(String method, String uri, Map<String, List<String>> headers, String body) {
        this.method = method;
        this.uri = uri;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = body;
        this.json = parse(body);
    }

    /** Returns the HTTP method, such as {@code POST}. */
    public String method() {
        return method;
    }

    /** Returns the path without the query string, such as {@code /v1/chat/completions}. */
    public String path() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Returns the request target as sent, query string included. */
    public String uri() {
        return uri;
    }

    /** Returns the first value of a header, looked up ignoring case, or null when absent. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Returns every value of a header, looked up ignoring case; empty when absent. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** Returns all headers; the map looks names up ignoring case and cannot be changed. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Returns the body as text, "" when there was none. */
    public String body() {
        return body;
    }

    /**
     * Returns the body parsed as JSON; a {@link MissingNode} when the body is empty or not JSON,
     * so {@code json().path("model").asString("")} never throws.
     */
    public JsonNode json() {
        return json;
    }

    /** Returns the {@code model} the request named, "" when none. */
    public String model() {
        JsonNode model = json.path("model");
        return model.isString() ? model.stringValue() : "";
    }

    /** Returns whether the request asked for a stream ({@code "stream": true}). */
    public boolean isStream() {
        return json.path("stream").isBoolean() && json.path("stream").booleanValue();
    }

    /** Returns whether the request set {@code stream_options.include_usage} to true. */
    public boolean includeUsage() {
        JsonNode flag = json.path("stream_options").path("include_usage");
        return flag.isBoolean() && flag.booleanValue();
    }

    /**
     * Returns the text of the last {@code user} message (of {@code messages}, or of a Responses
     * API {@code input}), "" when there is none. Content given as parts has its {@code text} parts
     * joined with a space.
     */
    public String lastUserMessage() {
        JsonNode input = json.path("input");
        if (input.isString()) {
            return input.stringValue();
        }
        JsonNode messages = input.isArray() ? input : json.path("messages");
        if (!messages.isArray()) {
            return "";
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (message.path("role").isString() && "user".equals(message.path("role").stringValue())) {
                return contentText(message.path("content"));
            }
        }
        return "";
    }

    /** Returns the number of messages in the request, 0 when it has none. */
    public int messageCount() {
        return json.path("messages").isArray() ? json.path("messages").size() : 0;
    }

    static String contentText(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.path("text").isString()) {
                texts.add(part.path("text").stringValue());
            }
        }
        return String.join(" ", texts);
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return WireJson.MAPPER.readTree(body);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /** Returns method, path and body size; never header values, which may hold an API key. */
    @Override
    public String toString() {
        return "RecordedRequest{" + method + " " + path() + ", body=" + body.length() + " chars}";
    }
}
