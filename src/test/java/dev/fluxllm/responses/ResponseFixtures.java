package dev.fluxllm.responses;

import java.util.ArrayList;
import java.util.List;

/** Recorded-style Responses API streams, written from the shapes OpenAI and compatible servers send. */
final class ResponseFixtures {

    private ResponseFixtures() {
    }

    /** Joins events as SSE: {@code event: <type>} then {@code data: <json>}. */
    static String sse(String... jsonEvents) {
        StringBuilder b = new StringBuilder();
        for (String e : jsonEvents) {
            String type = e.replaceAll("(?s)^\\{\"type\":\"([^\"]+)\".*", "$1");
            b.append("event: ").append(type).append('\n').append("data: ").append(e).append("\n\n");
        }
        return b.toString();
    }

    /** Joins events as bare {@code data:} lines without {@code event:} (llama.cpp-style). */
    static String dataOnly(String... jsonEvents) {
        StringBuilder b = new StringBuilder();
        for (String e : jsonEvents) {
            b.append("data: ").append(e).append("\n\n");
        }
        return b.toString();
    }

    static final String RESPONSE_SHELL = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,"
            + "\"status\":\"in_progress\",\"model\":\"gpt-x\",\"output\":[],\"usage\":null}";

    static final String COMPLETED_TEXT = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,"
            + "\"status\":\"completed\",\"model\":\"gpt-x\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Hello, wörld! ☃\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":12,"
            + "\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":5,"
            + "\"output_tokens_details\":{\"reasoning_tokens\":2},\"total_tokens\":17}}";

    /** OpenAI's text answer: created, in_progress, item, part, three deltas, dones, completed. */
    static List<String> textEvents() {
        List<String> e = new ArrayList<>();
        e.add("{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + RESPONSE_SHELL + "}");
        e.add("{\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":" + RESPONSE_SHELL + "}");
        e.add("{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":{\"type\":\"message\","
                + "\"id\":\"msg_1\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}");
        e.add("{\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":\"msg_1\",\"output_index\":0,"
                + "\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}");
        e.add(delta(4, "Hello"));
        e.add(delta(5, ", wörld"));
        e.add(delta(6, "! ☃"));
        e.add("{\"type\":\"response.output_text.done\",\"sequence_number\":7,\"item_id\":\"msg_1\",\"output_index\":0,"
                + "\"content_index\":0,\"text\":\"Hello, wörld! ☃\"}");
        e.add("{\"type\":\"response.content_part.done\",\"sequence_number\":8,\"item_id\":\"msg_1\",\"output_index\":0,"
                + "\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"Hello, wörld! ☃\",\"annotations\":[]}}");
        e.add("{\"type\":\"response.output_item.done\",\"sequence_number\":9,\"output_index\":0,\"item\":{\"type\":\"message\","
                + "\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"Hello, wörld! ☃\",\"annotations\":[]}]}}");
        e.add("{\"type\":\"response.completed\",\"sequence_number\":10,\"response\":" + COMPLETED_TEXT + "}");
        return e;
    }

    static String delta(int seq, String text) {
        return "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq
                + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + text + "\"}";
    }

    /** Two function calls, each an item with its own output index, arguments in fragments. */
    static List<String> toolEvents() {
        List<String> e = new ArrayList<>();
        e.add("{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + RESPONSE_SHELL + "}");
        int seq = 1;
        String[][] calls = {{"fc_1", "call_a", "get_weather", "{\"city\":\"Paris\"}"},
                {"fc_2", "call_b", "get_time", "{\"zone\":\"CET\"}"}};
        for (int i = 0; i < calls.length; i++) {
            String[] c = calls[i];
            e.add("{\"type\":\"response.output_item.added\",\"sequence_number\":" + seq++ + ",\"output_index\":" + i
                    + ",\"item\":{\"type\":\"function_call\",\"id\":\"" + c[0] + "\",\"call_id\":\"" + c[1]
                    + "\",\"name\":\"" + c[2] + "\",\"arguments\":\"\",\"status\":\"in_progress\"}}");
            String args = c[3];
            for (int at = 0; at < args.length(); at += 5) {
                String piece = args.substring(at, Math.min(args.length(), at + 5)).replace("\"", "\\\"");
                e.add("{\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":" + seq++
                        + ",\"item_id\":\"" + c[0] + "\",\"output_index\":" + i + ",\"delta\":\"" + piece + "\"}");
            }
            e.add("{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":" + seq++
                    + ",\"item_id\":\"" + c[0] + "\",\"output_index\":" + i + ",\"arguments\":\""
                    + args.replace("\"", "\\\"") + "\"}");
        }
        e.add("{\"type\":\"response.completed\",\"sequence_number\":" + seq + ",\"response\":{\"id\":\"resp_1\","
                + "\"status\":\"completed\",\"model\":\"gpt-x\",\"output\":[],\"usage\":{\"input_tokens\":3,"
                + "\"output_tokens\":9,\"total_tokens\":12}}}");
        return e;
    }

    /** llama.cpp-style: no sequence numbers, no in_progress, no content parts, deltas with item_id only. */
    static List<String> minimalEvents() {
        List<String> e = new ArrayList<>();
        e.add("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_l\",\"object\":\"response\",\"status\":\"in_progress\"}}");
        e.add("{\"type\":\"response.output_item.added\",\"item\":{\"type\":\"message\",\"id\":\"msg_l\","
                + "\"role\":\"assistant\",\"content\":[]}}");
        e.add("{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_l\",\"delta\":\"Hi \"}");
        e.add("{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_l\",\"delta\":\"there\"}");
        e.add("{\"type\":\"response.output_text.done\",\"item_id\":\"msg_l\",\"text\":\"Hi there\"}");
        e.add("{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_l\",\"object\":\"response\","
                + "\"status\":\"completed\",\"output\":[]}}");
        return e;
    }

    /** A reasoning item with a streamed summary, then a short message. */
    static List<String> reasoningEvents() {
        List<String> e = new ArrayList<>();
        e.add("{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + RESPONSE_SHELL + "}");
        e.add("{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"type\":\"reasoning\","
                + "\"id\":\"rs_1\",\"summary\":[]}}");
        e.add("{\"type\":\"response.reasoning_summary_part.added\",\"sequence_number\":2,\"item_id\":\"rs_1\",\"output_index\":0,"
                + "\"summary_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":\"\"}}");
        e.add("{\"type\":\"response.reasoning_summary_text.delta\",\"sequence_number\":3,\"item_id\":\"rs_1\",\"output_index\":0,"
                + "\"summary_index\":0,\"delta\":\"Think \"}");
        e.add("{\"type\":\"response.reasoning_summary_text.delta\",\"sequence_number\":4,\"item_id\":\"rs_1\",\"output_index\":0,"
                + "\"summary_index\":0,\"delta\":\"first.\"}");
        e.add("{\"type\":\"response.reasoning_summary_text.done\",\"sequence_number\":5,\"item_id\":\"rs_1\",\"output_index\":0,"
                + "\"summary_index\":0,\"text\":\"Think first.\"}");
        e.add("{\"type\":\"response.output_item.added\",\"sequence_number\":6,\"output_index\":1,\"item\":{\"type\":\"message\","
                + "\"id\":\"msg_2\",\"role\":\"assistant\",\"content\":[]}}");
        e.add("{\"type\":\"response.output_text.delta\",\"sequence_number\":7,\"item_id\":\"msg_2\",\"output_index\":1,"
                + "\"content_index\":0,\"delta\":\"42\"}");
        e.add("{\"type\":\"response.completed\",\"sequence_number\":8,\"response\":{\"id\":\"resp_1\",\"status\":\"completed\","
                + "\"model\":\"gpt-x\",\"output\":[]}}");
        return e;
    }
}
