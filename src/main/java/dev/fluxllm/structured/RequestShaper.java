package dev.fluxllm.structured;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ResponseFormat;
import java.util.List;

/** Asks for a typed answer: {@code json_schema}, or {@code json_object} with the schema in the system message. */
final class RequestShaper {

    private RequestShaper() {
    }

    static ChatRequest shape(ChatRequest request, String name, String schemaJson, boolean jsonSchema, boolean strict) {
        if (jsonSchema) {
            // The canonical constructor: the schema is ours and known good, not worth parsing again per call.
            return request.toBuilder().responseFormat(new ResponseFormat("json_schema", name, schemaJson, strict)).build();
        }
        String instruction = "Reply with one JSON object, and nothing else, that conforms to this JSON Schema:\n"
                + schemaJson;
        List<ChatMessage> messages = request.messages();
        ChatRequest.Builder b = request.toBuilder().responseFormat(ResponseFormat.jsonObject()).clearMessages();
        // One system message first: several chat templates refuse a second one, or one later on.
        if (!messages.isEmpty() && messages.get(0).role().equals("system") && messages.get(0).content() != null) {
            b.message(ChatMessage.system(messages.get(0).text() + "\n\n" + instruction));
            b.messages(messages.subList(1, messages.size()));
        } else {
            b.message(ChatMessage.system(instruction));
            b.messages(messages);
        }
        return b.build();
    }

    /** Returns the conversation that tells the model what was wrong with its answer. */
    static ChatRequest repair(ChatRequest shaped, StructuredOutputException failure) {
        StringBuilder b = new StringBuilder("Your answer does not conform to the required JSON Schema:\n");
        if (failure.violations().isEmpty()) {
            b.append("- ").append(failure.getMessage()).append('\n');
        }
        failure.violations().forEach(v -> b.append("- ").append(v).append('\n'));
        b.append("Reply again with only the corrected JSON.");
        return shaped.toBuilder()
                .message(ChatMessage.assistant(failure.rawText()))
                .message(ChatMessage.user(b.toString()))
                .build();
    }
}
