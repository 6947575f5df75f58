package dev.fluxllm.batch;

import dev.fluxllm.ApiTimeoutException;
import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ConnectionException;
import dev.fluxllm.ContentPart;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.ToolCall;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts between the OpenAI Batch API's line format and this library's types: an input line
 * ({@code {"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {...}}}) to a
 * {@link BatchLine}, and an outcome to an output line ({@code {"id", "custom_id", "response":
 * {"status_code", "request_id", "body"}, "error": {"code", "message"}}}). Shared by
 * {@link BatchFiles} and the Kafka worker, so a job moves between OpenAI, a file and a topic
 * unchanged. Thread-safe; every method is a pure function of its arguments.
 */
public final class BatchLines {

    /** The one URL accepted in an input line. */
    public static final String CHAT_COMPLETIONS_URL = "/v1/chat/completions";

    /** Error codes of inputs that were never sent. */
    public static final String INVALID_JSON = "invalid_json";
    public static final String MISSING_CUSTOM_ID = "missing_custom_id";
    public static final String DUPLICATE_CUSTOM_ID = "duplicate_custom_id";
    public static final String UNSUPPORTED_URL = "unsupported_url";
    public static final String UNSUPPORTED_METHOD = "unsupported_method";
    public static final String INVALID_BODY = "invalid_body";

    private static final Set<String> STRIPPED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "stream", "stream_options");

    private BatchLines() {
    }

    /**
     * Parses one input line; never throws. An invalid line comes back with its problem, prefixed
     * by {@code where} (e.g. {@code "line 7: not JSON (...)"}). Duplicates are not detected here:
     * that needs the lines before (see {@link BatchFiles}).
     */
    public static BatchLine parse(String text, String where) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JacksonException e) {
            return new BatchLine(where, null, null, where + ": " + INVALID_JSON + ": not JSON ("
                    + firstLine(e.getOriginalMessage()) + ")");
        }
        if (node == null || !node.isObject()) {
            return new BatchLine(where, null, null, where + ": " + INVALID_JSON + ": not a JSON object");
        }
        JsonNode id = node.get("custom_id");
        if (id == null || !id.isString() || id.asString().isEmpty()) {
            return new BatchLine(where, null, null, where + ": " + MISSING_CUSTOM_ID
                    + ": no custom_id (expected a non-empty string)");
        }
        String customId = id.asString();
        String method = node.path("method").asString("POST");
        if (!"POST".equalsIgnoreCase(method)) {
            return new BatchLine(where, customId, null, where + ": " + UNSUPPORTED_METHOD + ": method " + method
                    + " (expected: POST)");
        }
        String url = node.path("url").asString("");
        if (!CHAT_COMPLETIONS_URL.equals(url)) {
            return new BatchLine(where, customId, null, where + ": " + UNSUPPORTED_URL + ": url '" + url
                    + "' (expected: " + CHAT_COMPLETIONS_URL + ")");
        }
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            return new BatchLine(where, customId, null, where + ": " + INVALID_BODY + ": no body object");
        }
        try {
            return new BatchLine(where, customId, request(body), null);
        } catch (RuntimeException e) {
            return new BatchLine(where, customId, null, where + ": " + INVALID_BODY + ": " + e.getMessage());
        }
    }

    /** Returns the error code an invalid line's problem names, e.g. {@link #DUPLICATE_CUSTOM_ID}. */
    public static String problemCode(BatchLine line) {
        String p = line.problem();
        if (p == null) {
            return null;
        }
        int start = p.indexOf(": ") + 2;
        int end = p.indexOf(':', start);
        return start > 1 && end > start ? p.substring(start, end) : INVALID_BODY;
    }

    /** Builds a request from an input line's {@code body}: typed fields where they exist, the rest sent verbatim. */
    static ChatRequest request(JsonNode body) {
        ChatRequest.Builder b = ChatRequest.builder();
        if (body.hasNonNull("model")) {
            b.model(body.get("model").asString());
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("body.messages must be a non-empty array");
        }
        int i = 0;
        for (JsonNode m : messages) {
            b.message(message(m, i++));
        }
        if (body.hasNonNull("max_tokens")) {
            b.maxTokens(body.get("max_tokens").asInt());
        }
        if (body.hasNonNull("max_completion_tokens")) {
            b.maxCompletionTokens(body.get("max_completion_tokens").asInt());
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!STRIPPED.contains(field.getKey())) {
                b.extra(field.getKey(), field.getValue());
            }
        }
        return b.build();
    }

    private static ChatMessage message(JsonNode m, int index) {
        String role = m.path("role").asString("");
        if (role.isEmpty()) {
            throw new IllegalArgumentException("body.messages[" + index + "] has no role");
        }
        JsonNode content = m.get("content");
        String name = m.hasNonNull("name") ? m.get("name").asString() : null;
        if (content != null && content.isArray()) {
            List<ContentPart> parts = new ArrayList<>();
            for (JsonNode part : content) {
                String type = part.path("type").asString("");
                switch (type) {
                    case "text" -> parts.add(ContentPart.text(part.path("text").asString("")));
                    case "image_url" -> parts.add(ContentPart.imageUrl(part.path("image_url").path("url").asString(),
                            part.path("image_url").hasNonNull("detail")
                                    ? part.path("image_url").get("detail").asString() : null));
                    default -> throw new IllegalArgumentException("body.messages[" + index
                            + "] has a content part of type '" + type + "' (expected: text, image_url)");
                }
            }
            if (!"user".equals(role)) {
                StringBuilder text = new StringBuilder();
                parts.forEach(p -> text.append(p.text() == null ? "" : p.text()));
                return named(ChatMessage.of(role, text.toString()), name);
            }
            return named(ChatMessage.user(parts), name);
        }
        String text = content == null || content.isNull() ? "" : content.asString();
        if ("assistant".equals(role) && m.has("tool_calls") && m.get("tool_calls").isArray()) {
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode c : m.get("tool_calls")) {
                JsonNode f = c.path("function");
                JsonNode args = f.get("arguments");
                calls.add(new ToolCall(c.path("id").asString(null), f.path("name").asString(""),
                        args == null ? "" : args.isString() ? args.asString() : args.toString()));
            }
            return named(ChatMessage.assistant(text, calls), name);
        }
        if ("tool".equals(role)) {
            return ChatMessage.toolResult(m.path("tool_call_id").asString(""), text);
        }
        return named(ChatMessage.of(role, text), name);
    }

    private static ChatMessage named(ChatMessage message, String name) {
        return name == null ? message : message.withName(name);
    }

    /** Returns the output line for a batch outcome of the input {@code customId}, without a newline. */
    public static String output(String customId, BatchResult result) {
        if (result.isSuccess()) {
            return success(customId, result.response());
        }
        return failure(customId, result.error());
    }

    /** Returns the output line of a successful response. */
    public static String success(String customId, ChatResponse response) {
        ObjectNode line = head(customId);
        ObjectNode r = line.putObject("response");
        r.put("status_code", 200);
        r.putNull("request_id");
        r.set("body", body(response));
        line.putNull("error");
        return Json.MAPPER.writeValueAsString(line);
    }

    /** Returns the output line of an input that failed with {@code error} after its retries. */
    public static String failure(String customId, Throwable error) {
        ObjectNode line = head(customId);
        if (error instanceof OpenAiCompatException e && e.statusCode() > 0) {
            ObjectNode r = line.putObject("response");
            r.put("status_code", e.statusCode());
            if (e.requestId() == null) {
                r.putNull("request_id");
            } else {
                r.put("request_id", e.requestId());
            }
            ObjectNode err = r.putObject("body").putObject("error");
            err.put("message", String.valueOf(e.getMessage()));
            err.put("type", e.errorType());
            err.put("code", e.errorCode());
        } else {
            line.putNull("response");
        }
        ObjectNode err = line.putObject("error");
        err.put("code", errorCode(error));
        err.put("message", String.valueOf(error.getMessage()));
        return Json.MAPPER.writeValueAsString(line);
    }

    /**
     * Returns the output line of an input line that could not be sent: its problem (which names the
     * line) as the error message; {@code lineNumber} (from 1) is kept as {@code error.line} so a
     * resumed run knows the line is done, 0 to leave it out.
     */
    public static String invalid(BatchLine line, long lineNumber) {
        ObjectNode out = head(line.customId());
        out.putNull("response");
        ObjectNode err = out.putObject("error");
        err.put("code", problemCode(line));
        err.put("message", line.problem());
        if (lineNumber > 0) {
            err.put("line", lineNumber);
        }
        return Json.MAPPER.writeValueAsString(out);
    }

    /** Reads an output line back; throws {@link IllegalArgumentException} when it is not one. */
    public static BatchOutcome read(String text) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a batch output line: " + firstLine(e.getOriginalMessage()), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a batch output line: not a JSON object");
        }
        JsonNode response = n.path("response");
        JsonNode error = n.path("error");
        return new BatchOutcome(n.path("id").asString(null),
                n.hasNonNull("custom_id") ? n.get("custom_id").asString() : null,
                response.path("status_code").asInt(0),
                response.isObject() ? response.get("body") : null,
                error.isObject() ? error.path("code").asString("error") : null,
                error.isObject() ? error.path("message").asString("") : null,
                error.path("line").asLong(0));
    }

    /** Returns the chat.completion JSON a response amounts to, as a server would have sent it. */
    static ObjectNode body(ChatResponse response) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("id", response.id());
        b.put("object", "chat.completion");
        b.put("created", response.created());
        b.put("model", response.model());
        ArrayNode choices = b.putArray("choices");
        for (ChatChoice c : response.choices()) {
            ObjectNode choice = choices.addObject();
            choice.put("index", c.index());
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text());
            if (!c.reasoning().isEmpty()) {
                message.put("reasoning_content", c.reasoning());
            }
            if (!c.refusal().isEmpty()) {
                message.put("refusal", c.refusal());
            }
            if (!c.toolCalls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCall t : c.toolCalls()) {
                    ObjectNode call = calls.addObject();
                    call.put("id", t.id());
                    call.put("type", t.type());
                    call.putObject("function").put("name", t.name()).put("arguments", t.arguments());
                }
            }
            choice.put("finish_reason", c.finishReason());
        }
        Usage u = response.usage();
        if (u != null) {
            b.putObject("usage").put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.completionTokens())
                    .put("total_tokens", u.totalTokens());
        }
        return b;
    }

    private static ObjectNode head(String customId) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        // Derived from the custom_id, so a redone input gets the same id: results stay idempotent.
        line.put("id", "batch_req_" + (customId == null ? UUID.randomUUID()
                : UUID.nameUUIDFromBytes(customId.getBytes(StandardCharsets.UTF_8))).toString().replace("-", ""));
        if (customId == null) {
            line.putNull("custom_id");
        } else {
            line.put("custom_id", customId);
        }
        return line;
    }

    private static String errorCode(Throwable error) {
        if (error instanceof OpenAiCompatException e) {
            if (e.errorCode() != null && !e.errorCode().isBlank()) {
                return e.errorCode();
            }
            if (e.statusCode() == 429) {
                return "rate_limit_exceeded";
            }
            if (e.statusCode() >= 500) {
                return "server_error";
            }
            if (e.statusCode() >= 400) {
                return "invalid_request";
            }
            if (e instanceof ApiTimeoutException) {
                return "timeout";
            }
            if (e instanceof ConnectionException) {
                return "connection_error";
            }
        }
        return "request_failed";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
