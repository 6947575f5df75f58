package dev.fluxllm.internal.json;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ContentPart;
import dev.fluxllm.ResponseFormat;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * Writes a {@link ChatRequest} as the JSON body of {@code POST /chat/completions}. Absent options
 * are left out; extras are written last, verbatim at the top level, and win over a typed field of
 * the same name.
 */
public final class RequestWriter {

    private RequestWriter() {
    }

    /**
     * Returns the body for the request.
     *
     * @param model   the model to send (the request's, else the client's default)
     * @param stream  whether to ask for a stream
     */
    public static byte[] write(ChatRequest r, String model, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * r.messages().size());
        Map<String, Object> extra = r.extra();
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("model", model);
            g.writeName("messages");
            g.writeStartArray();
            for (ChatMessage m : r.messages()) {
                writeMessage(g, m);
            }
            g.writeEndArray();
            if (stream) {
                g.writeBooleanProperty("stream", true);
                if (Boolean.TRUE.equals(r.includeUsage()) && !extra.containsKey("stream_options")) {
                    g.writeName("stream_options");
                    g.writeStartObject();
                    g.writeBooleanProperty("include_usage", true);
                    g.writeEndObject();
                }
            }
            number(g, "temperature", r.temperature(), extra);
            number(g, "top_p", r.topP(), extra);
            number(g, "max_tokens", r.maxTokens(), extra);
            number(g, "max_completion_tokens", r.maxCompletionTokens(), extra);
            if (r.stop() != null && !extra.containsKey("stop")) {
                g.writeName("stop");
                g.writeStartArray();
                for (String s : r.stop()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            number(g, "seed", r.seed(), extra);
            number(g, "n", r.n(), extra);
            number(g, "presence_penalty", r.presencePenalty(), extra);
            number(g, "frequency_penalty", r.frequencyPenalty(), extra);
            if (r.logprobs() != null && !extra.containsKey("logprobs")) {
                g.writeBooleanProperty("logprobs", r.logprobs());
            }
            number(g, "top_logprobs", r.topLogprobs(), extra);
            if (r.user() != null && !extra.containsKey("user")) {
                g.writeStringProperty("user", r.user());
            }
            writeTools(g, r, extra);
            if (r.responseFormat() != null && !extra.containsKey("response_format")) {
                writeResponseFormat(g, r.responseFormat());
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                if (isReserved(e.getKey())) {
                    continue;
                }
                g.writeName(e.getKey());
                g.writePOJO(e.getValue());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Returns whether a key is written from the request itself and so cannot be an extra. */
    private static boolean isReserved(String key) {
        return key.equals("model") || key.equals("messages") || key.equals("stream");
    }

    private static void writeMessage(JsonGenerator g, ChatMessage m) {
        g.writeStartObject();
        g.writeStringProperty("role", m.role());
        if (m.parts() != null) {
            g.writeName("content");
            g.writeStartArray();
            for (ContentPart part : m.parts()) {
                writePart(g, part);
            }
            g.writeEndArray();
        } else if (m.content() != null) {
            g.writeStringProperty("content", m.content());
        } else {
            // An assistant turn with only tool calls: OpenAI wants an explicit null.
            g.writeNullProperty("content");
        }
        if (m.name() != null) {
            g.writeStringProperty("name", m.name());
        }
        if (!m.toolCalls().isEmpty()) {
            g.writeName("tool_calls");
            g.writeStartArray();
            for (ToolCall call : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringProperty("id", call.id());
                g.writeStringProperty("type", call.type());
                g.writeName("function");
                g.writeStartObject();
                g.writeStringProperty("name", call.name());
                // Blank means "no arguments"; servers expect an object text.
                g.writeStringProperty("arguments", call.arguments().isBlank() ? "{}" : call.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.toolCallId() != null) {
            g.writeStringProperty("tool_call_id", m.toolCallId());
        }
        g.writeEndObject();
    }

    private static void writePart(JsonGenerator g, ContentPart part) {
        g.writeStartObject();
        g.writeStringProperty("type", part.type());
        if ("text".equals(part.type())) {
            g.writeStringProperty("text", part.text());
        } else if ("image_url".equals(part.type())) {
            g.writeName("image_url");
            g.writeStartObject();
            g.writeStringProperty("url", part.imageUrl());
            if (part.detail() != null) {
                g.writeStringProperty("detail", part.detail());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeTools(JsonGenerator g, ChatRequest r, Map<String, Object> extra) {
        List<Tool> tools = r.tools();
        if (!tools.isEmpty() && !extra.containsKey("tools")) {
            g.writeName("tools");
            g.writeStartArray();
            for (Tool t : tools) {
                g.writeStartObject();
                g.writeStringProperty("type", "function");
                g.writeName("function");
                g.writeStartObject();
                g.writeStringProperty("name", t.name());
                if (t.description() != null) {
                    g.writeStringProperty("description", t.description());
                }
                g.writeName("parameters");
                g.writeRawValue(t.parametersJson());
                if (t.strict() != null) {
                    g.writeBooleanProperty("strict", t.strict());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        // An extra tool_choice is written with the other extras; parallel_tool_calls still applies.
        if (!extra.containsKey("tool_choice")) {
            writeToolChoice(g, r);
        }
        if (r.parallelToolCalls() != null && !extra.containsKey("parallel_tool_calls")) {
            g.writeBooleanProperty("parallel_tool_calls", r.parallelToolCalls());
        }
    }

    private static void writeToolChoice(JsonGenerator g, ChatRequest r) {
        if (r.toolChoice() != null) {
            g.writeStringProperty("tool_choice", r.toolChoice());
        } else if (r.toolChoiceFunction() != null) {
            g.writeName("tool_choice");
            g.writeStartObject();
            g.writeStringProperty("type", "function");
            g.writeName("function");
            g.writeStartObject();
            g.writeStringProperty("name", r.toolChoiceFunction());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeResponseFormat(JsonGenerator g, ResponseFormat f) {
        g.writeName("response_format");
        g.writeStartObject();
        g.writeStringProperty("type", f.type());
        if ("json_schema".equals(f.type())) {
            g.writeName("json_schema");
            g.writeStartObject();
            g.writeStringProperty("name", f.name());
            g.writeName("schema");
            g.writeRawValue(f.schemaJson());
            if (f.strict() != null) {
                g.writeBooleanProperty("strict", f.strict());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String name, Number value, Map<String, Object> extra) {
        if (value == null || extra.containsKey(name)) {
            return;
        }
        g.writeName(name);
        if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else {
            g.writeNumber(value.intValue());
        }
    }
}
