package dev.fluxllm.bench.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario's bytes over the Responses API, as OpenAI streams them: each event an
 * {@code event: <type>} line and a {@code data:} line whose JSON repeats the type and carries a
 * {@code sequence_number} counting from 0; {@code response.created}, {@code response.in_progress},
 * then per output item {@code output_item.added}, its deltas and {@code .done} events,
 * {@code output_item.done}, and {@code response.completed} carrying the whole response with
 * usage. No {@code [DONE]}: the stream ends after the terminal event.
 *
 * <p>Text: one message item, {@code response.output_text.delta} per content delta (the same
 * deltas as the chat scenarios). Function calls: two {@code function_call} items, one after the
 * other (output index 0 and 1), with {@code response.function_call_arguments.delta} per fragment.
 */
final class ResponsesScript {

    private static final String ID = "resp_68b1f3c2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d";
    private static final String MSG = "msg_68b1f3c2e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7";
    private static final String[] FC = {"fc_68b1f3c2f1e2d3c4b5a6978877665544332211aabbccddee",
        "fc_68b1f3c3a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"};

    private int sequence;
    private final List<byte[]> events = new ArrayList<>();

    private ResponsesScript() {
    }

    static Script of(Scenario s) {
        ResponsesScript w = new ResponsesScript();
        return s.kind() == Scenario.Kind.TEXT ? w.text(s) : w.calls(s);
    }

    private Script text(Scenario s) {
        List<String> deltas = ContentGenerator.deltas(s.count(), 42);
        String text = String.join("", deltas);
        lead();
        add("response.output_item.added", "\"output_index\":0,\"item\":" + message(MSG, "in_progress", null));
        add("response.content_part.added", "\"item_id\":\"" + MSG + "\",\"output_index\":0,\"content_index\":0,\"part\":"
            + part(""));
        for (String d : deltas) {
            add("response.output_text.delta", "\"item_id\":\"" + MSG + "\",\"output_index\":0,\"content_index\":0,"
                + "\"delta\":" + JsonText.quote(d) + ",\"logprobs\":[]");
        }
        add("response.output_text.done", "\"item_id\":\"" + MSG + "\",\"output_index\":0,\"content_index\":0,"
            + "\"text\":" + JsonText.quote(text) + ",\"logprobs\":[]");
        add("response.content_part.done", "\"item_id\":\"" + MSG + "\",\"output_index\":0,\"content_index\":0,\"part\":"
            + part(text));
        String item = message(MSG, "completed", text);
        add("response.output_item.done", "\"output_index\":0,\"item\":" + item);
        add("response.completed", "\"response\":" + response("completed", "[" + item + "]", s.count()));
        return new Script(s, List.copyOf(events), Script.concat(events), text, List.of());
    }

    private Script calls(Scenario s) {
        int n = s.count();
        lead();
        List<Answer.Call> calls = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String args = ContentGenerator.argumentsObject(Script.CITIES[i], 4 * n, 7 + i);
            calls.add(new Answer.Call(Script.IDS[i], Script.NAMES[i], args));
            add("response.output_item.added", "\"output_index\":" + i + ",\"item\":"
                + call(FC[i], Script.IDS[i], Script.NAMES[i], "", "in_progress"));
            for (String f : ContentGenerator.split(args, n)) {
                add("response.function_call_arguments.delta", "\"item_id\":\"" + FC[i] + "\",\"output_index\":" + i
                    + ",\"delta\":" + JsonText.quote(f));
            }
            add("response.function_call_arguments.done", "\"item_id\":\"" + FC[i] + "\",\"output_index\":" + i
                + ",\"arguments\":" + JsonText.quote(args));
            String item = call(FC[i], Script.IDS[i], Script.NAMES[i], args, "completed");
            items.add(item);
            add("response.output_item.done", "\"output_index\":" + i + ",\"item\":" + item);
        }
        add("response.completed", "\"response\":" + response("completed", "[" + String.join(",", items) + "]", 2 * n));
        return new Script(s, List.copyOf(events), Script.concat(events), "", List.copyOf(calls));
    }

    private void lead() {
        add("response.created", "\"response\":" + response("in_progress", "[]", -1));
        add("response.in_progress", "\"response\":" + response("in_progress", "[]", -1));
    }

    private void add(String type, String fields) {
        String json = "{\"type\":\"" + type + "\",\"sequence_number\":" + sequence++ + "," + fields + "}";
        events.add(("event: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The response object with the request fields OpenAI echoes; usage only on the terminal event. */
    private static String response(String status, String output, int outputTokens) {
        String usage = outputTokens < 0 ? "null"
            : "{\"input_tokens\":19,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":" + outputTokens
                + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (19 + outputTokens) + "}";
        return "{\"id\":\"" + ID + "\",\"object\":\"response\",\"created_at\":1756492738,\"status\":\"" + status + "\","
            + "\"background\":false,\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
            + "\"max_output_tokens\":null,\"max_tool_calls\":null,\"model\":\"gpt-4.1-2025-04-14\",\"output\":" + output + ","
            + "\"parallel_tool_calls\":true,\"previous_response_id\":null,\"prompt_cache_key\":null,"
            + "\"reasoning\":{\"effort\":null,\"summary\":null},\"safety_identifier\":null,\"service_tier\":\"default\","
            + "\"store\":true,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"},\"verbosity\":\"medium\"},"
            + "\"tool_choice\":\"auto\",\"tools\":[],\"top_logprobs\":0,\"top_p\":1.0,\"truncation\":\"disabled\","
            + "\"usage\":" + usage + ",\"user\":null,\"metadata\":{}}";
    }

    private static String message(String id, String status, String text) {
        return "{\"id\":\"" + id + "\",\"type\":\"message\",\"status\":\"" + status + "\",\"content\":["
            + (text == null ? "" : part(text)) + "],\"role\":\"assistant\"}";
    }

    private static String part(String text) {
        return "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":" + JsonText.quote(text) + "}";
    }

    private static String call(String id, String callId, String name, String args, String status) {
        return "{\"id\":\"" + id + "\",\"type\":\"function_call\",\"status\":\"" + status + "\",\"arguments\":"
            + JsonText.quote(args) + ",\"call_id\":\"" + callId + "\",\"name\":\"" + name + "\"}";
    }
}
