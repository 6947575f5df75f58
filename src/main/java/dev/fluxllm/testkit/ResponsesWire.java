package dev.fluxllm.testkit;

import dev.fluxllm.testkit.ReplySpec.ScriptedToolCall;
import dev.fluxllm.testkit.ReplySpec.UsageCount;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a reply in the Responses API's format, as OpenAI sends it: the response object, or its
 * stream of numbered, typed events ({@code event:} line plus a JSON {@code data:} whose
 * {@code type} repeats it): created, in_progress, then per output item (reasoning, message,
 * function calls) added, its parts and deltas, done, and a terminal event carrying the whole
 * response. A reply whose finish reason is {@code length} is {@code incomplete}
 * ({@code max_output_tokens}). Pure functions of the reply; no I/O.
 */
final class ResponsesWire {

    private final String id;
    private final long created;
    private final String model;
    private int sequence;

    ResponsesWire(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    /** Returns the events before the terminal one, as SSE frames. */
    List<String> leadEvents(ReplySpec s) {
        List<String> events = new ArrayList<>();
        events.add(event("response.created", "response", response(s, "in_progress", null, false)));
        events.add(event("response.in_progress", "response", response(s, "in_progress", null, false)));
        int index = 0;
        if (!s.reasoning.isEmpty()) {
            String itemId = "rs_" + id + "_" + index;
            ObjectNode added = reasoningItem(itemId, null);
            events.add(itemEvent("response.output_item.added", index, added));
            events.add(event(base("response.reasoning_summary_part.added").put("item_id", itemId)
                    .put("output_index", index).put("summary_index", 0)));
            for (String piece : Texts.split(s.reasoning, s.chunkSize)) {
                events.add(event(base("response.reasoning_summary_text.delta").put("item_id", itemId)
                        .put("output_index", index).put("summary_index", 0).put("delta", piece)));
            }
            events.add(event(base("response.reasoning_summary_text.done").put("item_id", itemId)
                    .put("output_index", index).put("summary_index", 0).put("text", s.reasoning)));
            events.add(itemEvent("response.output_item.done", index, reasoningItem(itemId, s.reasoning)));
            index++;
        }
        if (!s.text.isEmpty() || !s.refusal.isEmpty() || s.toolCalls.isEmpty()) {
            String itemId = "msg_" + id + "_" + index;
            boolean refusal = !s.refusal.isEmpty();
            String partType = refusal ? "refusal" : "output_text";
            String whole = refusal ? s.refusal : s.text;
            events.add(itemEvent("response.output_item.added", index, messageItem(itemId, null, false)));
            events.add(event(base("response.content_part.added").put("item_id", itemId).put("output_index", index)
                    .put("content_index", 0).set("part", part(partType, ""))));
            for (String piece : Texts.split(whole, s.chunkSize)) {
                events.add(event(base(refusal ? "response.refusal.delta" : "response.output_text.delta")
                        .put("item_id", itemId).put("output_index", index).put("content_index", 0).put("delta", piece)));
            }
            ObjectNode done = base(refusal ? "response.refusal.done" : "response.output_text.done").put("item_id", itemId)
                    .put("output_index", index).put("content_index", 0);
            done.put(refusal ? "refusal" : "text", whole);
            events.add(event(done));
            events.add(event(base("response.content_part.done").put("item_id", itemId).put("output_index", index)
                    .put("content_index", 0).set("part", part(partType, whole))));
            events.add(itemEvent("response.output_item.done", index, messageItem(itemId, s, true)));
            index++;
        }
        int fragmentSize = s.chunkSize == 0 ? Reply.DEFAULT_ARGUMENTS_FRAGMENT_SIZE : s.chunkSize;
        for (ScriptedToolCall call : s.toolCalls) {
            String itemId = "fc_" + id + "_" + index;
            events.add(itemEvent("response.output_item.added", index, callItem(itemId, call, "", "in_progress")));
            for (String piece : Texts.pieces(call.arguments(), fragmentSize)) {
                events.add(event(base("response.function_call_arguments.delta").put("item_id", itemId)
                        .put("output_index", index).put("delta", piece)));
            }
            events.add(event(base("response.function_call_arguments.done").put("item_id", itemId)
                    .put("output_index", index).put("arguments", call.arguments())));
            events.add(itemEvent("response.output_item.done", index, callItem(itemId, call, call.arguments(), "completed")));
            index++;
        }
        return events;
    }

    /** Returns the terminal event: completed, or incomplete when the reply was cut by its token limit. */
    String terminalEvent(ReplySpec s, UsageCount usage) {
        boolean incomplete = "length".equals(s.finishReason);
        return event(incomplete ? "response.incomplete" : "response.completed", "response",
                response(s, incomplete ? "incomplete" : "completed", usage, true));
    }

    /** Returns the error event a failing stream sends. */
    String errorEvent(String message) {
        return event(base("error").put("code", "server_error").put("message", message).putNull("param"));
    }

    /** Returns the whole response object, for a non-streamed request. */
    String body(ReplySpec s, UsageCount usage) {
        return WireJson.MAPPER.writeValueAsString(response(s, "length".equals(s.finishReason) ? "incomplete" : "completed",
                usage, true));
    }

    private ObjectNode response(ReplySpec s, String status, UsageCount usage, boolean withOutput) {
        ObjectNode r = WireJson.MAPPER.createObjectNode().put("id", id).put("object", "response")
                .put("created_at", created).put("status", status).putNull("error");
        if ("incomplete".equals(status)) {
            r.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            r.putNull("incomplete_details");
        }
        r.put("model", model);
        ArrayNode output = r.putArray("output");
        if (withOutput) {
            int index = 0;
            if (!s.reasoning.isEmpty()) {
                output.add(reasoningItem("rs_" + id + "_" + index++, s.reasoning));
            }
            if (!s.text.isEmpty() || !s.refusal.isEmpty() || s.toolCalls.isEmpty()) {
                output.add(messageItem("msg_" + id + "_" + index++, s, true));
            }
            for (ScriptedToolCall call : s.toolCalls) {
                output.add(callItem("fc_" + id + "_" + index++, call, call.arguments(), "completed"));
            }
        }
        if (usage != null) {
            ObjectNode u = r.putObject("usage").put("input_tokens", usage.prompt());
            u.putObject("input_tokens_details").put("cached_tokens", 0);
            u.put("output_tokens", usage.completion());
            u.putObject("output_tokens_details").put("reasoning_tokens", Texts.countWords(s.reasoning));
            u.put("total_tokens", usage.total());
        } else {
            r.putNull("usage");
        }
        return r;
    }

    private static ObjectNode messageItem(String itemId, ReplySpec s, boolean done) {
        ObjectNode item = WireJson.MAPPER.createObjectNode().put("type", "message").put("id", itemId)
                .put("status", done ? "completed" : "in_progress").put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (done) {
            content.add(s.refusal.isEmpty() ? part("output_text", s.text) : part("refusal", s.refusal));
        }
        return item;
    }

    private static ObjectNode reasoningItem(String itemId, String summary) {
        ObjectNode item = WireJson.MAPPER.createObjectNode().put("type", "reasoning").put("id", itemId);
        ArrayNode parts = item.putArray("summary");
        if (summary != null) {
            parts.addObject().put("type", "summary_text").put("text", summary);
        }
        return item;
    }

    private static ObjectNode callItem(String itemId, ScriptedToolCall call, String arguments, String status) {
        return WireJson.MAPPER.createObjectNode().put("type", "function_call").put("id", itemId)
                .put("call_id", call.id()).put("name", call.name()).put("arguments", arguments).put("status", status);
    }

    private static ObjectNode part(String type, String text) {
        ObjectNode part = WireJson.MAPPER.createObjectNode().put("type", type);
        if (type.equals("refusal")) {
            part.put("refusal", text);
        } else {
            part.put("text", text);
            part.putArray("annotations");
        }
        return part;
    }

    private ObjectNode base(String type) {
        return WireJson.MAPPER.createObjectNode().put("type", type).put("sequence_number", sequence++);
    }

    private String itemEvent(String type, int index, ObjectNode item) {
        ObjectNode e = base(type).put("output_index", index);
        e.set("item", item);
        return event(e);
    }

    private String event(String type, String field, ObjectNode value) {
        ObjectNode e = base(type);
        e.set(field, value);
        return event(e);
    }

    private static String event(ObjectNode event) {
        return "event: " + event.path("type").asString() + "\ndata: " + WireJson.MAPPER.writeValueAsString(event) + "\n\n";
    }
}
