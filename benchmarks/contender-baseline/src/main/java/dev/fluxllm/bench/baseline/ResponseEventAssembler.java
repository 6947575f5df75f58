package dev.fluxllm.bench.baseline;

import dev.fluxllm.bench.core.Answer;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The least a Responses API reader must do per event: a Jackson tree of its data, text deltas
 * concatenated, function calls by output index (call id and name from {@code output_item.added},
 * argument deltas concatenated), done on {@code response.completed}. The {@code event:} line is
 * not needed: the data repeats the type.
 */
final class ResponseEventAssembler implements SseLines.Sink {

    private final ObjectMapper mapper;
    private final StringBuilder text = new StringBuilder();
    private final List<String[]> calls = new ArrayList<>();
    private final List<StringBuilder> arguments = new ArrayList<>();
    private final List<Integer> callIndexes = new ArrayList<>();
    private boolean done;

    ResponseEventAssembler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void onData(byte[] data, int length) {
        JsonNode event = mapper.readTree(data, 0, length);
        switch (event.path("type").asString()) {
            case "response.output_text.delta" -> text.append(event.path("delta").stringValue());
            case "response.output_item.added" -> {
                JsonNode item = event.path("item");
                if ("function_call".equals(item.path("type").asString())) {
                    callIndexes.add(event.path("output_index").asInt());
                    calls.add(new String[] {item.path("call_id").stringValue(), item.path("name").stringValue()});
                    arguments.add(new StringBuilder());
                }
            }
            case "response.function_call_arguments.delta" -> {
                int at = callIndexes.indexOf(event.path("output_index").asInt());
                arguments.get(at).append(event.path("delta").stringValue());
            }
            case "response.completed" -> done = true;
            case "response.failed", "response.incomplete", "error" ->
                throw new IllegalStateException("stream ended with " + event.path("type").asString());
            default -> { }
        }
    }

    Answer answer() {
        if (!done) {
            throw new IllegalStateException("stream ended before response.completed");
        }
        List<Answer.Call> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            out.add(new Answer.Call(calls.get(i)[0], calls.get(i)[1], arguments.get(i).toString()));
        }
        return Answer.of(text.toString(), out);
    }
}
