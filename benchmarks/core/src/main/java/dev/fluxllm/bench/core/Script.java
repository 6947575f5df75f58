package dev.fluxllm.bench.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact bytes the server sends for a scenario and the answer a correct client assembles
 * from them. Built once per scenario, by the server and by each contender's checker alike.
 *
 * <p>Streams follow OpenAI's format: a first delta with the role and {@code "content":""}, content
 * deltas of a few characters, a finish chunk with an empty delta, then {@code data: [DONE]}.
 */
public final class Script {

    private static final String ENVELOPE = "{\"id\":\"chatcmpl-BenchF1uxLLMx7Qz9KjS0aVb3cRt\","
        + "\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
        + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[{\"index\":0,\"delta\":";
    private static final String OPEN = ",\"logprobs\":null,\"finish_reason\":null}]}";
    static final String[] CITIES = {"Paris, France", "Tokyo, Japan"};
    static final String[] NAMES = {"get_weather", "get_local_time"};
    static final String[] IDS = {"call_Qx3Yt9bV2mN8kL4pR7sW1aZe", "call_Hj6Fd2Ks9Lm3Np7Qr1Tv5Wx8"};

    private final Scenario scenario;
    private final List<byte[]> events;
    private final byte[] body;
    private final String expectedText;
    private final List<Answer.Call> expectedCalls;

    Script(Scenario scenario, List<byte[]> events, byte[] body, String text, List<Answer.Call> calls) {
        this.scenario = scenario;
        this.events = events;
        this.body = body;
        this.expectedText = text;
        this.expectedCalls = calls;
    }

    public static Script of(Scenario s) {
        if (s.responses()) {
            return ResponsesScript.of(s);
        }
        return switch (s.kind()) {
            case TEXT -> text(s);
            case TOOLS_INTERLEAVED, TOOLS_SEQUENTIAL -> tools(s);
            case SMALL -> small(s);
        };
    }

    public Scenario scenario() {
        return scenario;
    }

    /**
     * Each SSE event's bytes, {@code data: [DONE]} last (chat) or the terminal event last
     * (Responses); empty for non-streaming scenarios.
     */
    public List<byte[]> events() {
        return events;
    }

    /** The whole response body. */
    public byte[] body() {
        return body;
    }

    /**
     * Data events that carry a chunk ({@code [DONE]} excluded; every event of a Responses stream);
     * 1 for a non-streaming response.
     */
    public int chunksPerResponse() {
        if (!scenario.streaming()) {
            return 1;
        }
        return scenario.responses() ? events.size() : events.size() - 1;
    }

    public String expectedText() {
        return expectedText;
    }

    public List<Answer.Call> expectedCalls() {
        return expectedCalls;
    }

    private static Script text(Scenario s) {
        List<String> deltas = ContentGenerator.deltas(s.count(), 42);
        List<String> json = new ArrayList<>(deltas.size() + 2);
        json.add(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}"));
        for (String d : deltas) {
            json.add(chunk("{\"content\":" + JsonText.quote(d) + "}"));
        }
        json.add(finish("stop"));
        return stream(s, json, String.join("", deltas), List.of());
    }

    private static Script tools(Scenario s) {
        int n = s.count();
        List<Answer.Call> calls = new ArrayList<>();
        List<List<String>> fragments = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String args = ContentGenerator.argumentsObject(CITIES[i], 4 * n, 7 + i);
            calls.add(new Answer.Call(IDS[i], NAMES[i], args));
            fragments.add(ContentGenerator.split(args, n));
        }
        List<String> json = new ArrayList<>();
        if (s.kind() == Scenario.Kind.TOOLS_INTERLEAVED) {
            json.add(opener(0, true));
            json.add(opener(1, false));
            for (int f = 0; f < n; f++) {
                json.add(fragment(0, fragments.get(0).get(f)));
                json.add(fragment(1, fragments.get(1).get(f)));
            }
        } else {
            for (int i = 0; i < 2; i++) {
                json.add(opener(i, i == 0));
                for (String f : fragments.get(i)) {
                    json.add(fragment(i, f));
                }
            }
        }
        json.add(finish("tool_calls"));
        return stream(s, json, "", calls);
    }

    private static Script small(Scenario s) {
        String text = "Hello! The reactive client answered this small completion in one piece.";
        String json = "{\"id\":\"chatcmpl-BenchF1uxLLMx7Qz9KjS0aVb3cRt\",\"object\":\"chat.completion\","
            + "\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":" + JsonText.quote(text)
            + ",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":14,\"total_tokens\":33,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\"}\n";
        return new Script(s, List.of(), json.getBytes(StandardCharsets.UTF_8), text, List.of());
    }

    private static Script stream(Scenario s, List<String> chunkJson, String text, List<Answer.Call> calls) {
        List<byte[]> events = new ArrayList<>(chunkJson.size() + 1);
        for (String j : chunkJson) {
            events.add(("data: " + j + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] done = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        events.add(done);
        return new Script(s, List.copyOf(events), concat(events), text, List.copyOf(calls));
    }

    static byte[] concat(List<byte[]> events) {
        int size = 0;
        for (byte[] e : events) {
            size += e.length;
        }
        byte[] body = new byte[size];
        int at = 0;
        for (byte[] e : events) {
            System.arraycopy(e, 0, body, at, e.length);
            at += e.length;
        }
        return body;
    }

    private static String chunk(String delta) {
        return ENVELOPE + delta + OPEN;
    }

    private static String finish(String reason) {
        return ENVELOPE + "{},\"logprobs\":null,\"finish_reason\":\"" + reason + "\"}]}";
    }

    private static String opener(int index, boolean withRole) {
        String role = withRole ? "\"role\":\"assistant\",\"content\":null," : "";
        return chunk("{" + role + "\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + IDS[index]
            + "\",\"type\":\"function\",\"function\":{\"name\":\"" + NAMES[index] + "\",\"arguments\":\"\"}}]}");
    }

    private static String fragment(int index, String args) {
        return chunk("{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":"
            + JsonText.quote(args) + "}}]}");
    }
}
