package dev.fluxllm.bench.baseline;

import dev.fluxllm.bench.core.Answer;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Parses each event into a Jackson tree and keeps what an answer needs: content deltas
 * concatenated, tool calls by index (id and name taken once, arguments concatenated).
 */
final class ChunkAssembler implements SseLines.Sink {

    private final ObjectMapper mapper;
    private final StringBuilder text = new StringBuilder();
    private final List<String[]> calls = new ArrayList<>();
    private final List<StringBuilder> arguments = new ArrayList<>();
    private boolean done;

    ChunkAssembler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void onData(byte[] data, int length) {
        if (length == 6 && data[0] == '[' && data[1] == 'D') {
            done = true;
            return;
        }
        JsonNode chunk = mapper.readTree(data, 0, length);
        if (chunk.has("error")) {
            throw new IllegalStateException("stream error: " + chunk.get("error"));
        }
        JsonNode delta = chunk.path("choices").path(0).path("delta");
        JsonNode content = delta.path("content");
        if (content.isString()) {
            text.append(content.stringValue());
        }
        JsonNode toolCalls = delta.path("tool_calls");
        for (int i = 0; i < toolCalls.size(); i++) {
            JsonNode tc = toolCalls.get(i);
            int index = tc.path("index").asInt();
            while (calls.size() <= index) {
                calls.add(new String[2]);
                arguments.add(new StringBuilder());
            }
            String[] call = calls.get(index);
            if (call[0] == null && tc.path("id").isString()) {
                call[0] = tc.get("id").stringValue();
            }
            JsonNode fn = tc.path("function");
            if (call[1] == null && fn.path("name").isString()) {
                call[1] = fn.get("name").stringValue();
            }
            if (fn.path("arguments").isString()) {
                arguments.get(index).append(fn.get("arguments").stringValue());
            }
        }
    }

    Answer answer() {
        if (!done) {
            throw new IllegalStateException("stream ended before [DONE]");
        }
        List<Answer.Call> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            out.add(new Answer.Call(calls.get(i)[0], calls.get(i)[1], arguments.get(i).toString()));
        }
        return Answer.of(text.toString(), out);
    }
}
