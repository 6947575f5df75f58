package dev.fluxllm.responses;

import dev.fluxllm.Usage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads the Responses API's JSON objects: a response, an output item, a content part, usage. */
final class ResponseJson {

    private ResponseJson() {
    }

    static Response response(JsonNode r) {
        List<OutputItem> output = new ArrayList<>();
        for (JsonNode item : r.path("output")) {
            output.add(item(item));
        }
        JsonNode error = r.path("error");
        return new Response(text(r, "id"), text(r, "status"), incompleteReason(r), text(r, "model"),
                r.path("created_at").asLong(0), output, usage(r.path("usage")),
                error.isObject() ? new ResponseError(nullableText(error, "code"), text(error, "message")) : null);
    }

    static String incompleteReason(JsonNode r) {
        JsonNode details = r.path("incomplete_details");
        return details.isObject() ? nullableText(details, "reason") : null;
    }

    static OutputItem item(JsonNode item) {
        String type = text(item, "type");
        String id = text(item, "id");
        switch (type) {
            case "message" -> {
                List<OutputItem.Content> content = new ArrayList<>();
                for (JsonNode part : item.path("content")) {
                    content.add(content(part));
                }
                if (item.path("content").isString()) {
                    content.add(new OutputItem.Content.OutputText(item.path("content").asString(), null));
                }
                return new OutputItem.Message(id, nullableText(item, "status"), content, item);
            }
            case "function_call" -> {
                JsonNode args = item.path("arguments");
                // A server that sends the arguments as an object: serialized, never dropped.
                String arguments = args.isString() ? args.asString() : args.isMissingNode() || args.isNull() ? "" : args.toString();
                return new OutputItem.FunctionCall(id, text(item, "call_id"), text(item, "name"), arguments,
                        nullableText(item, "status"), item);
            }
            case "reasoning" -> {
                List<String> summary = new ArrayList<>();
                for (JsonNode s : item.path("summary")) {
                    summary.add(s.isString() ? s.asString() : text(s, "text"));
                }
                List<String> content = new ArrayList<>();
                for (JsonNode c : item.path("content")) {
                    content.add(c.isString() ? c.asString() : text(c, "text"));
                }
                return new OutputItem.Reasoning(id, summary, content, nullableText(item, "encrypted_content"), item);
            }
            default -> {
                return new OutputItem.Other(type, id, item);
            }
        }
    }

    static OutputItem.Content content(JsonNode part) {
        String type = text(part, "type");
        return switch (type) {
            case "output_text", "text" -> new OutputItem.Content.OutputText(text(part, "text"), part.get("annotations"));
            case "refusal" -> new OutputItem.Content.Refusal(text(part, "refusal"));
            default -> new OutputItem.Content.OtherContent(type, part);
        };
    }

    static Usage usage(JsonNode u) {
        if (!u.isObject()) {
            return null;
        }
        long input = u.path("input_tokens").asLong(0);
        long output = u.path("output_tokens").asLong(0);
        long total = u.has("total_tokens") ? u.path("total_tokens").asLong(0) : input + output;
        return new Usage(input, output, total, u.path("input_tokens_details").path("cached_tokens").asLong(0),
                u.path("output_tokens_details").path("reasoning_tokens").asLong(0));
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.isString() ? v.asString() : v.toString();
    }

    static String nullableText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.isString() ? v.asString() : v.toString();
    }
}
