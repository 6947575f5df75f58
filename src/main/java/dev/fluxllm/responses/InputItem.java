package dev.fluxllm.responses;

import dev.fluxllm.ContentPart;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Holds one item of a Responses API {@code input}: a message (user, developer, system or an
 * assistant's earlier answer), an echoed function call, a function call's output, or any item
 * passed back as the server sent it (reasoning items, for stateless use with {@code store: false}).
 */
public sealed interface InputItem {

    /** A message; {@code text} is null when the content is {@code parts}. */
    record Message(String role, String text, List<ContentPart> parts) implements InputItem {
        public Message {
            Objects.requireNonNull(role, "role");
            if (text == null && (parts == null || parts.isEmpty())) {
                throw new IllegalArgumentException("a " + role + " message needs text or parts");
            }
            parts = parts == null ? null : List.copyOf(parts);
        }
    }

    /** A function call the model made earlier, sent back with the conversation. */
    record FunctionCall(String callId, String name, String arguments) implements InputItem {
        public FunctionCall {
            requireText(callId, "callId");
            requireText(name, "name");
            arguments = arguments == null ? "" : arguments;
        }
    }

    /** What a function call returned: answers the call whose {@code call_id} it names. */
    record FunctionCallOutput(String callId, String output) implements InputItem {
        public FunctionCallOutput {
            requireText(callId, "callId");
            Objects.requireNonNull(output, "output");
        }
    }

    /** Any item as JSON, sent verbatim (an output item passed back, a type this library does not model). */
    record Raw(JsonNode item) implements InputItem {
        public Raw {
            if (item == null || !item.isObject() || !item.has("type")) {
                throw new IllegalArgumentException("a raw input item must be a JSON object with a 'type', got: " + item);
            }
        }
    }

    /** Creates a user message. */
    static InputItem user(String text) {
        return new Message("user", Objects.requireNonNull(text, "text"), null);
    }

    /** Creates a user message of text and image parts ({@code input_text}, {@code input_image}). */
    static InputItem user(List<ContentPart> parts) {
        return new Message("user", null, Objects.requireNonNull(parts, "parts"));
    }

    /** Creates a developer message (instructions that outrank the user's). */
    static InputItem developer(String text) {
        return new Message("developer", Objects.requireNonNull(text, "text"), null);
    }

    /** Creates a system message. */
    static InputItem system(String text) {
        return new Message("system", Objects.requireNonNull(text, "text"), null);
    }

    /** Creates an assistant message: an earlier answer of the model. */
    static InputItem assistant(String text) {
        return new Message("assistant", Objects.requireNonNull(text, "text"), null);
    }

    /** Creates an echo of a function call the model made. */
    static InputItem functionCall(String callId, String name, String arguments) {
        return new FunctionCall(callId, name, arguments);
    }

    /** Creates a function call's output. */
    static InputItem functionCallOutput(String callId, String output) {
        return new FunctionCallOutput(callId, output);
    }

    /** Passes an output item of an earlier response back, exactly as the server sent it (reasoning items included). */
    static InputItem of(OutputItem item) {
        return new Raw(Objects.requireNonNull(item, "item").raw());
    }

    /** Sends any item verbatim. */
    static InputItem raw(JsonNode item) {
        return new Raw(item);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
