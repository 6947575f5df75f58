package dev.fluxllm.responses;

import dev.fluxllm.ContentPart;
import dev.fluxllm.ResponseFormat;
import dev.fluxllm.Tool;
import dev.fluxllm.internal.json.Json;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Writes a {@link ResponseRequest} as the JSON body of {@code POST /responses}; absent options are left out. */
final class RequestBody {

    private RequestBody() {
    }

    static byte[] write(ResponseRequest r, String model, boolean stream) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("model", model);
        if (r.instructions() != null) {
            b.put("instructions", r.instructions());
        }
        if (r.inputText() != null) {
            b.put("input", r.inputText());
        } else {
            ArrayNode input = b.putArray("input");
            r.inputItems().forEach(i -> input.add(item(i)));
        }
        if (stream) {
            b.put("stream", true);
        }
        if (!r.tools().isEmpty()) {
            ArrayNode tools = b.putArray("tools");
            for (Tool t : r.tools()) {
                ObjectNode o = tools.addObject().put("type", "function").put("name", t.name());
                if (t.description() != null) {
                    o.put("description", t.description());
                }
                o.set("parameters", Json.MAPPER.readTree(t.parametersJson()));
                if (t.strict() != null) {
                    o.put("strict", t.strict());
                }
            }
        }
        if (r.toolChoiceFunction() != null) {
            b.putObject("tool_choice").put("type", "function").put("name", r.toolChoiceFunction());
        } else if (r.toolChoice() != null) {
            b.put("tool_choice", r.toolChoice());
        }
        if (r.maxOutputTokens() != null) {
            b.put("max_output_tokens", r.maxOutputTokens());
        }
        if (r.temperature() != null) {
            b.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            b.put("top_p", r.topP());
        }
        if (r.previousResponseId() != null) {
            b.put("previous_response_id", r.previousResponseId());
        }
        if (r.store() != null) {
            b.put("store", r.store());
        }
        if (r.reasoningEffort() != null || r.reasoningSummary() != null) {
            ObjectNode reasoning = b.putObject("reasoning");
            if (r.reasoningEffort() != null) {
                reasoning.put("effort", r.reasoningEffort());
            }
            if (r.reasoningSummary() != null) {
                reasoning.put("summary", r.reasoningSummary());
            }
        }
        if (!r.include().isEmpty()) {
            ArrayNode include = b.putArray("include");
            r.include().forEach(include::add);
        }
        if (r.textFormat() != null) {
            b.putObject("text").set("format", format(r.textFormat()));
        }
        if (r.parallelToolCalls() != null) {
            b.put("parallel_tool_calls", r.parallelToolCalls());
        }
        if (!r.metadata().isEmpty()) {
            ObjectNode metadata = b.putObject("metadata");
            r.metadata().forEach(metadata::put);
        }
        for (Map.Entry<String, Object> e : r.extra().entrySet()) {
            b.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
        }
        return Json.MAPPER.writeValueAsBytes(b);
    }

    /** The Responses API's format is flat, unlike chat's {@code response_format.json_schema}. */
    static JsonNode format(ResponseFormat f) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("type", f.type());
        if ("json_schema".equals(f.type())) {
            o.put("name", f.name());
            o.set("schema", Json.MAPPER.readTree(f.schemaJson()));
            if (f.strict() != null) {
                o.put("strict", f.strict());
            }
        }
        return o;
    }

    static JsonNode item(InputItem item) {
        if (item instanceof InputItem.Raw raw) {
            return raw.item();
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (item instanceof InputItem.Message m) {
            o.put("type", "message").put("role", m.role());
            if (m.text() != null) {
                o.put("content", m.text());
            } else {
                ArrayNode content = o.putArray("content");
                for (ContentPart p : m.parts()) {
                    if ("image_url".equals(p.type())) {
                        ObjectNode image = content.addObject().put("type", "input_image").put("image_url", p.imageUrl());
                        if (p.detail() != null) {
                            image.put("detail", p.detail());
                        }
                    } else {
                        content.addObject().put("type", m.role().equals("assistant") ? "output_text" : "input_text")
                                .put("text", p.text());
                    }
                }
            }
        } else if (item instanceof InputItem.FunctionCall f) {
            o.put("type", "function_call").put("call_id", f.callId()).put("name", f.name()).put("arguments", f.arguments());
        } else if (item instanceof InputItem.FunctionCallOutput f) {
            o.put("type", "function_call_output").put("call_id", f.callId()).put("output", f.output());
        }
        return o;
    }
}
