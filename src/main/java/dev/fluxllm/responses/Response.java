package dev.fluxllm.responses;

import dev.fluxllm.ToolCall;
import dev.fluxllm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a whole Responses API response, from {@code generate} or assembled from a stream by
 * {@link ResponseStreams#assemble}: the same value either way.
 *
 * @param id                the response id ({@code resp_...}), "" when absent
 * @param status            {@code completed}, {@code incomplete}, {@code failed}, {@code in_progress},
 *                          {@code queued}, {@code cancelled}; "" when absent
 * @param incompleteReason  {@code incomplete_details.reason} ({@code max_output_tokens},
 *                          {@code content_filter}), null unless incomplete
 * @param model             the model that answered, "" when absent
 * @param createdAt         the Unix time in seconds, 0 when absent
 * @param output            the output items in order
 * @param usage             the token counts (prompt = input, completion = output, with cached-input and
 *                          reasoning-token details), null when the server reported none
 * @param error             the error of a failed response, null otherwise
 */
public record Response(String id, String status, String incompleteReason, String model, long createdAt,
                       List<OutputItem> output, Usage usage, ResponseError error) {

    public Response {
        id = id == null ? "" : id;
        status = status == null ? "" : status;
        model = model == null ? "" : model;
        output = output == null ? List.of() : List.copyOf(output);
    }

    /** Returns the text of every {@code output_text} part of the message items, joined; "" when none. */
    public String outputText() {
        StringBuilder b = new StringBuilder();
        for (OutputItem item : output) {
            if (item instanceof OutputItem.Message m) {
                b.append(m.text());
            }
        }
        return b.toString();
    }

    /** Returns the refusal text of the message items, joined; "" when the model did not refuse. */
    public String refusal() {
        StringBuilder b = new StringBuilder();
        for (OutputItem item : output) {
            if (item instanceof OutputItem.Message m) {
                b.append(m.refusal());
            }
        }
        return b.toString();
    }

    /** Returns the function calls as {@link ToolCall}s, in order; each {@code id()} is the call id. */
    public List<ToolCall> functionCalls() {
        List<ToolCall> calls = new ArrayList<>(2);
        for (OutputItem item : output) {
            if (item instanceof OutputItem.FunctionCall f) {
                calls.add(f.toToolCall());
            }
        }
        return List.copyOf(calls);
    }

    /** Returns the reasoning summary texts of every reasoning item, in order. */
    public List<String> reasoningSummary() {
        List<String> texts = new ArrayList<>();
        for (OutputItem item : output) {
            if (item instanceof OutputItem.Reasoning r) {
                texts.addAll(r.summary());
            }
        }
        return texts;
    }

    /** Returns whether any function call's arguments are not a JSON object: then run none of them. */
    public boolean hasMalformedFunctionCalls() {
        for (ToolCall c : functionCalls()) {
            if (!c.argumentsValid()) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether the status is {@code completed}. */
    public boolean isCompleted() {
        return "completed".equals(status);
    }
}
