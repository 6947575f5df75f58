package dev.fluxllm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a random chat completion and writes it as an event stream in the style of one real
 * server (see PROVIDERS.md), together with the {@link ChatResponse} it must assemble to.
 */
final class StreamGen {

    enum Style { OPENAI, VLLM, SGLANG, LLAMACPP, OLLAMA, TGI, MISTRAL, QWEN, DEEPSEEK }

    private static final String[] WORDS = {
        "Hello", " world", ",", " ", "é", "世界", "🎉", "\"quoted\"", "back\\slash", "new\nline", "tab\t",
        "\u0001", "</script>", "data: x", "[DONE]", ":", "\r\n", "ß", "\u2028", "{", "}",
    };
    private static final String[] NAMES = {"get_weather", "search", "f", "lookup_user_by_email", "noop"};

    /** One generated case: the wire bytes and the response they stand for. */
    record Case(Style style, byte[] bytes, ChatResponse expected, boolean endsWithDone) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private record Call(String id, String name, String arguments) { }

    private record Choice(int index, List<String> content, List<String> reasoning, List<Call> calls, String finish) { }

    private final Random random;
    private final Style style;
    private final String eol;
    private final StringBuilder out = new StringBuilder(1024);

    private StreamGen(Random random) {
        this.random = random;
        this.style = Style.values()[random.nextInt(Style.values().length)];
        this.eol = new String[] {"\n", "\n", "\r\n", "\r"}[random.nextInt(4)];
    }

    static Case generate(Random random) {
        return new StreamGen(random).build();
    }

    private Case build() {
        int n = random.nextInt(5) == 0 ? 2 : 1;
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            choices.add(randomChoice(i));
        }
        Usage usage = random.nextBoolean() ? null : new Usage(random.nextInt(1000), random.nextInt(1000), random.nextInt(2000));
        String id = "chatcmpl-" + random.nextInt(1_000_000);
        String model = "model-" + style.name().toLowerCase();
        long created = 1_700_000_000L + random.nextInt(1000);
        String head = "\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":\"" + model + "\"";
        if (random.nextInt(4) == 0) {
            out.append('\uFEFF');
        }
        if (style == Style.OPENAI && random.nextBoolean()) {
            // Azure's prompt-filter chunk: empty choices, empty id/model.
            event("{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],\"prompt_filter_results\":[]}");
        }
        for (Choice c : choices) {
            String role = switch (style) {
                case LLAMACPP -> "{\"role\":\"assistant\",\"content\":null}";
                case OLLAMA, TGI -> null;
                default -> "{\"role\":\"assistant\",\"content\":\"\"}";
            };
            if (role != null) {
                event("{" + head + ",\"choices\":[{\"index\":" + c.index + ",\"delta\":" + role + ",\"finish_reason\":null}]}");
            }
        }
        // Interleave the choices' pieces in random order; each choice's own pieces stay in order.
        List<List<String>> pending = new ArrayList<>();
        for (Choice c : choices) {
            pending.add(choiceEvents(c, head));
        }
        while (pending.stream().anyMatch(l -> !l.isEmpty())) {
            List<String> next = pending.get(random.nextInt(pending.size()));
            if (!next.isEmpty()) {
                event(next.remove(0));
            }
            if (random.nextInt(8) == 0) {
                comment();
            }
        }
        if (usage != null) {
            event("{" + head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + usage.promptTokens()
                    + ",\"completion_tokens\":" + usage.completionTokens() + ",\"total_tokens\":" + usage.totalTokens() + "}}");
        }
        boolean done = style != Style.LLAMACPP || random.nextBoolean();
        if (done) {
            out.append(style == Style.TGI ? "data:[DONE]" : "data: [DONE]").append(eol).append(eol);
        }
        List<ChatChoice> expectedChoices = new ArrayList<>();
        for (Choice c : choices) {
            List<ToolCall> calls = new ArrayList<>();
            for (Call call : c.calls) {
                calls.add(new ToolCall(call.id, call.name, call.arguments));
            }
            expectedChoices.add(new ChatChoice(c.index, String.join("", c.content), String.join("", c.reasoning),
                    calls, c.finish, ""));
        }
        ChatResponse expected = new ChatResponse(id, model, created, expectedChoices, usage);
        return new Case(style, out.toString().getBytes(StandardCharsets.UTF_8), expected, done);
    }

    private Choice randomChoice(int index) {
        List<String> content = pieces(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(12));
        boolean reasons = style == Style.DEEPSEEK || style == Style.VLLM || style == Style.LLAMACPP || style == Style.OLLAMA;
        List<String> reasoning = reasons && random.nextBoolean() ? pieces(1 + random.nextInt(6)) : List.of();
        List<Call> calls = new ArrayList<>();
        int callCount = random.nextInt(3) == 0 ? 1 + random.nextInt(style == Style.TGI ? 1 : 3) : 0;
        for (int i = 0; i < callCount; i++) {
            String id = switch (style) {
                case TGI -> "0";
                case OLLAMA -> "call_" + Integer.toHexString(random.nextInt());
                case VLLM, SGLANG -> "chatcmpl-tool-" + random.nextInt(1_000_000);
                default -> "call_" + index + "_" + i + "_" + random.nextInt(1000);
            };
            calls.add(new Call(id, NAMES[random.nextInt(NAMES.length)], randomArguments()));
        }
        String finish = callCount > 0 && style != Style.TGI ? "tool_calls"
                : new String[] {"stop", "length", "stop_sequence", "content_filter"}[random.nextInt(4)];
        return new Choice(index, content, reasoning, calls, finish);
    }

    private List<String> pieces(int count) {
        List<String> pieces = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pieces.add(WORDS[random.nextInt(WORDS.length)] + (random.nextBoolean() ? "" : WORDS[random.nextInt(WORDS.length)]));
        }
        return pieces;
    }

    private String randomArguments() {
        int r = random.nextInt(6);
        if (r == 0) {
            return "";
        }
        if (r == 1) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder("{");
        int fields = 1 + random.nextInt(3);
        for (int i = 0; i < fields; i++) {
            sb.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": ");
            switch (random.nextInt(4)) {
                case 0 -> sb.append(random.nextInt(1000));
                case 1 -> sb.append("\"").append(jsonEscapeForArgs(WORDS[random.nextInt(WORDS.length)])).append("\"");
                case 2 -> sb.append("[1, {\"x\": null}]");
                default -> sb.append("true");
            }
        }
        return sb.append("}").toString();
    }

    private static String jsonEscapeForArgs(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Returns the data of each event that carries this choice's deltas, in order. */
    private List<String> choiceEvents(Choice c, String head) {
        List<String> deltas = new ArrayList<>();
        String reasoningKey = style == Style.DEEPSEEK || style == Style.LLAMACPP || random.nextBoolean()
                ? "reasoning_content" : "reasoning";
        for (String r : c.reasoning) {
            deltas.add("{\"" + reasoningKey + "\":" + str(r) + (style == Style.DEEPSEEK ? ",\"content\":null" : "") + "}");
        }
        for (String t : c.content) {
            deltas.add("{" + (style == Style.TGI ? "\"role\":\"assistant\"," : "") + "\"content\":" + str(t) + "}");
        }
        List<String> events = new ArrayList<>();
        for (String d : deltas) {
            events.add("{" + head + ",\"choices\":[{\"index\":" + c.index + ",\"delta\":" + d
                    + (style == Style.VLLM ? "" : ",\"finish_reason\":null") + "}]}");
        }
        boolean whole = style == Style.OLLAMA || style == Style.MISTRAL;
        if (whole && !c.calls.isEmpty()) {
            StringBuilder calls = new StringBuilder("[");
            for (int i = 0; i < c.calls.size(); i++) {
                Call call = c.calls.get(i);
                calls.append(i == 0 ? "" : ",").append("{")
                        .append(style == Style.MISTRAL ? "" : "\"index\":" + i + ",\"type\":\"function\",")
                        .append("\"id\":\"").append(call.id).append("\",\"function\":{\"name\":\"").append(call.name)
                        .append("\",\"arguments\":").append(str(call.arguments)).append("}}");
            }
            calls.append("]");
            String finish = style == Style.MISTRAL ? ",\"finish_reason\":" + str(c.finish) : "";
            events.add("{" + head + ",\"choices\":[{\"index\":" + c.index + ",\"delta\":{\"tool_calls\":" + calls + "}" + finish + "}]}");
            if (style == Style.MISTRAL) {
                return events;
            }
        } else {
            for (int i = 0; i < c.calls.size(); i++) {
                events.addAll(fragmentEvents(c, i, head));
            }
        }
        String last = style == Style.VLLM && random.nextBoolean() ? ",\"stop_reason\":null" : "";
        events.add("{" + head + ",\"choices\":[{\"index\":" + c.index + ",\"delta\":{},\"finish_reason\":" + str(c.finish) + last + "}]}");
        return events;
    }

    private List<String> fragmentEvents(Choice c, int i, String head) {
        Call call = c.calls.get(i);
        List<String> events = new ArrayList<>();
        String args = call.arguments;
        List<String> parts = new ArrayList<>();
        int pos = 0;
        while (pos < args.length()) {
            int end = Math.min(args.length(), pos + 1 + random.nextInt(8));
            if (end < args.length() && Character.isHighSurrogate(args.charAt(end - 1))) {
                end++;
            }
            parts.add(args.substring(pos, end));
            pos = end;
        }
        String index = "\"index\":" + i + ",";
        String opener = switch (style) {
            case VLLM -> "{" + index + "\"type\":\"function\",\"id\":\"" + call.id + "\",\"function\":{\"name\":\"" + call.name + "\"}}";
            case TGI -> "{" + index + "\"type\":\"function\",\"id\":\"0\",\"function\":{\"name\":\"" + call.name + "\",\"arguments\":\"\"}}";
            default -> "{" + index + "\"id\":\"" + call.id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + call.name + "\",\"arguments\":\"\"}}";
        };
        events.add(toolEvent(c, head, opener));
        for (String part : parts) {
            String fragment = switch (style) {
                case SGLANG -> "{" + index + "\"id\":null,\"type\":null,\"function\":{\"name\":null,\"arguments\":" + str(part) + "}}";
                case QWEN -> "{" + index + "\"id\":\"\",\"type\":\"function\",\"function\":{\"arguments\":" + str(part) + "}}";
                case TGI -> "{" + index + "\"id\":\"0\",\"type\":\"function\",\"function\":{\"name\":null,\"arguments\":" + str(part) + "}}";
                case LLAMACPP -> "{" + index + "\"function\":{\"name\":\"" + call.name + "\",\"arguments\":" + str(part) + "}}";
                default -> "{" + index + "\"function\":{\"arguments\":" + str(part) + "}}";
            };
            events.add(toolEvent(c, head, fragment));
        }
        if (style == Style.QWEN) {
            events.add(toolEvent(c, head, "{" + index + "\"id\":\"\",\"type\":\"function\",\"function\":{\"arguments\":\"\"}}"));
        }
        return events;
    }

    private static String toolEvent(Choice c, String head, String fragment) {
        return "{" + head + ",\"choices\":[{\"index\":" + c.index + ",\"delta\":{\"tool_calls\":[" + fragment + "]}}]}";
    }

    private void event(String json) {
        String prefix = style == Style.TGI ? "data:" : "data: ";
        if (random.nextInt(10) == 0) {
            // The same JSON over several data lines: joined with \n, which JSON treats as whitespace.
            int cut = json.indexOf(",\"choices\"");
            if (cut > 0) {
                out.append(prefix).append(json, 0, cut).append(eol).append(prefix).append(json.substring(cut)).append(eol).append(eol);
                return;
            }
        }
        out.append(prefix).append(json).append(eol).append(eol);
    }

    private void comment() {
        out.append(switch (style) {
            case LLAMACPP, DEEPSEEK, VLLM -> ": keep-alive";
            default -> ": OPENROUTER PROCESSING";
        }).append(eol).append(eol);
    }

    /** Writes a JSON string; sometimes escapes non-ASCII as \\u, surrogate pairs included. */
    private String str(String s) {
        boolean escapeAll = random.nextInt(5) == 0;
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20 || (escapeAll && ch > 0x7e)) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else if (ch == '/' && escapeAll) {
                        sb.append("\\/");
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
