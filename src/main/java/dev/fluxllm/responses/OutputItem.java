package dev.fluxllm.responses;

import dev.fluxllm.ToolCall;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Holds one item of a response's {@code output}, in order: an assistant message, a function call,
 * a reasoning item, or an item of a type this library does not model. Every item keeps the JSON the
 * server sent ({@link #raw()}), so it can be passed back as input unchanged.
 */
public sealed interface OutputItem {

    /** Returns the item's {@code type}. */
    String type();

    /** Returns the item's {@code id}, "" when the server sent none. */
    String id();

    /** Returns the item as the server sent it (for a streamed item: as its {@code output_item.done} event had it). */
    JsonNode raw();

    /** An assistant message: text parts and refusals. */
    record Message(String id, String status, List<Content> content, JsonNode raw) implements OutputItem {
        public Message {
            content = List.copyOf(content);
        }

        @Override
        public String type() {
            return "message";
        }

        /** Returns the text of the {@code output_text} parts, joined. */
        public String text() {
            StringBuilder b = new StringBuilder();
            for (Content c : content) {
                if (c instanceof Content.OutputText t) {
                    b.append(t.text());
                }
            }
            return b.toString();
        }

        /** Returns the text of the {@code refusal} parts, joined; "" when the model did not refuse. */
        public String refusal() {
            StringBuilder b = new StringBuilder();
            for (Content c : content) {
                if (c instanceof Content.Refusal r) {
                    b.append(r.refusal());
                }
            }
            return b.toString();
        }
    }

    /**
     * A function call: {@code callId} is what a {@code function_call_output} answers. The
     * arguments are the raw text exactly as received.
     */
    record FunctionCall(String id, String callId, String name, String arguments, String status, JsonNode raw)
            implements OutputItem {
        @Override
        public String type() {
            return "function_call";
        }

        /** Returns the call as a {@link ToolCall} whose id is the call id (arguments flagged when not a JSON object). */
        public ToolCall toToolCall() {
            return new ToolCall(callId, "function", name, arguments);
        }
    }

    /** A reasoning item: its summary texts, reasoning texts where the server sends them, and encrypted content. */
    record Reasoning(String id, List<String> summary, List<String> content, String encryptedContent, JsonNode raw)
            implements OutputItem {
        public Reasoning {
            summary = List.copyOf(summary);
            content = List.copyOf(content);
        }

        @Override
        public String type() {
            return "reasoning";
        }
    }

    /** An item of another type (web search, file search, code interpreter, a server's own), passed through. */
    record Other(String type, String id, JsonNode raw) implements OutputItem {
    }

    /** One part of a message's content. */
    sealed interface Content {
        /** Generated text, with its annotations as sent. */
        record OutputText(String text, JsonNode annotations) implements Content {
        }

        /** The model declined. */
        record Refusal(String refusal) implements Content {
        }

        /** A part of another type, as sent. */
        record OtherContent(String type, JsonNode raw) implements Content {
        }
    }
}
