package dev.fluxllm.testkit;

import dev.fluxllm.testkit.ReplySpec.ScriptedToolCall;
import dev.fluxllm.testkit.ReplySpec.UsageCount;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the OpenAI wire format as JSON text: stream chunks, completion bodies, error bodies and
 * the model list. Pure functions of the reply and the request context; no I/O.
 */
final class WireJson {

    /** Thread-safe and immutable: one instance serves every server. */
    static final JsonMapper MAPPER = JsonMapper.shared();

    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;

    /**
     * @param includeUsage whether the request set {@code stream_options.include_usage}; then every
     *                     chunk carries {@code "usage":null} and a usage chunk ends the stream
     */
    WireJson(String id, long created, String model, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** Returns whether the stream ends with a usage chunk. */
    boolean includesUsage() {
        return includeUsage;
    }

    /** Returns the chunks before the finish chunk: role, reasoning, text, tool-call fragments. */
    List<String> leadChunks(ReplySpec s) {
        List<String> chunks = new ArrayList<>();
        ObjectNode role = MAPPER.createObjectNode().put("role", "assistant").put("content", "");
        chunks.add(chunk(role, null));
        for (String piece : Texts.split(s.reasoning, s.chunkSize)) {
            chunks.add(chunk(MAPPER.createObjectNode().put("reasoning_content", piece), null));
        }
        for (String piece : Texts.split(s.text, s.chunkSize)) {
            chunks.add(chunk(MAPPER.createObjectNode().put("content", piece), null));
        }
        for (String piece : Texts.split(s.refusal, s.chunkSize)) {
            chunks.add(chunk(MAPPER.createObjectNode().put("refusal", piece), null));
        }
        int fragmentSize = s.chunkSize == 0 ? Reply.DEFAULT_ARGUMENTS_FRAGMENT_SIZE : s.chunkSize;
        for (int index = 0; index < s.toolCalls.size(); index++) {
            ScriptedToolCall call = s.toolCalls.get(index);
            ObjectNode opener = MAPPER.createObjectNode().put("index", index).put("id", call.id()).put("type", "function");
            opener.putObject("function").put("name", call.name()).put("arguments", "");
            chunks.add(toolCallChunk(opener));
            for (String piece : Texts.pieces(call.arguments(), fragmentSize)) {
                ObjectNode fragment = MAPPER.createObjectNode().put("index", index);
                fragment.putObject("function").put("arguments", piece);
                chunks.add(toolCallChunk(fragment));
            }
        }
        return chunks;
    }

    /** Returns the finish chunk: an empty delta and the finish reason. */
    String finishChunk(String finishReason) {
        return chunk(MAPPER.createObjectNode(), finishReason);
    }

    /** Returns the usage chunk sent last when the request asked for it: {@code "choices":[]}. */
    String usageChunk(UsageCount usage) {
        ObjectNode root = envelope("chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(usage));
        return write(root);
    }

    /** Returns the whole non-streamed {@code chat.completion} body, usage included. */
    String completionBody(ReplySpec s, UsageCount usage) {
        ObjectNode root = envelope("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        // OpenAI sends null content with tool calls and no text.
        if (s.text.isEmpty() && (!s.toolCalls.isEmpty() || !s.refusal.isEmpty())) {
            message.putNull("content");
        } else {
            message.put("content", s.text);
        }
        if (!s.reasoning.isEmpty()) {
            message.put("reasoning_content", s.reasoning);
        }
        if (!s.refusal.isEmpty()) {
            message.put("refusal", s.refusal);
        }
        if (!s.toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ScriptedToolCall call : s.toolCalls) {
                ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", s.effectiveFinishReason());
        root.set("usage", usage(usage));
        return write(root);
    }

    /** Returns an OpenAI-style error body; a null code is written as JSON null. */
    static String errorBody(String message, String type, String code) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error").put("message", message).put("type", type);
        error.putNull("param");
        error.put("code", code);
        return write(root);
    }

    /** Returns the error event sent inside a stream, as OpenAI sends it. */
    static String streamError(String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject("error").put("message", message).put("type", "server_error");
        return write(root);
    }

    /** Returns the {@code GET /models} body. */
    static String modelsBody(List<String> models, long created) {
        ObjectNode root = MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String m : models) {
            data.addObject().put("id", m).put("object", "model").put("created", created).put("owned_by", "fluxllm-testkit");
        }
        return write(root);
    }

    private String toolCallChunk(ObjectNode call) {
        ObjectNode delta = MAPPER.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return chunk(delta, null);
    }

    private String chunk(ObjectNode delta, String finishReason) {
        ObjectNode root = envelope("chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            root.putNull("usage");
        }
        return write(root);
    }

    private ObjectNode envelope(String object) {
        return MAPPER.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
    }

    private static ObjectNode usage(UsageCount usage) {
        return MAPPER.createObjectNode()
                .put("prompt_tokens", usage.prompt())
                .put("completion_tokens", usage.completion())
                .put("total_tokens", usage.total());
    }

    private static String write(ObjectNode node) {
        return MAPPER.writeValueAsString(node);
    }
}
