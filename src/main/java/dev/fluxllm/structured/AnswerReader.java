package dev.fluxllm.structured;

import dev.fluxllm.ChatResponse;
import dev.fluxllm.SchemaViolation;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;

/** Turns a model's answer into the requested type, or into the {@link StructuredOutputException} that says why not. */
final class AnswerReader {

    private AnswerReader() {
    }

    /** Reads a whole answer written against {@link TypeBinding#objectSchemaJson()}. */
    static <T> T read(ChatResponse response, TypeBinding<T> binding) {
        String text = response.text();
        checkEnding(response.refusal(), response.finishReason(), text, response, binding);
        if (text.isBlank()) {
            throw new StructuredOutputException(response.toolCalls().isEmpty()
                    ? "The model returned no answer text"
                    : "The model called tools instead of answering with " + binding.name(),
                    text, List.of(), response.finishReason(), response, true, null);
        }
        JsonNode answer = parse(text, response.finishReason(), response, binding);
        List<SchemaViolation> violations = binding.validateAnswer(answer);
        if (!violations.isEmpty()) {
            throw schemaBroken(binding, text, violations, response.finishReason(), response);
        }
        return map(binding, answer, text, response.finishReason(), response);
    }

    /** Returns whether {@link #checkEnding} fails for {@code finishReason}: cut off or filtered. */
    static boolean endsBadly(String finishReason) {
        return "length".equals(finishReason) || "max_tokens".equals(finishReason)
                || "content_filter".equals(finishReason);
    }

    /** Fails for a refusal, a cut-off answer and a filtered one: none of them is worth repairing. */
    static void checkEnding(String refusal, String finishReason, String text, ChatResponse response,
                            TypeBinding<?> binding) {
        if (!refusal.isEmpty()) {
            throw new RefusalException(refusal, text, finishReason, response);
        }
        if ("length".equals(finishReason) || "max_tokens".equals(finishReason)) {
            throw new StructuredOutputException("The answer was cut off by the token limit (finish_reason: "
                    + finishReason + ") after " + text.length() + " characters, before " + binding.name()
                    + " was complete: raise maxTokens", text, List.of(), finishReason, response, false, null);
        }
        if ("content_filter".equals(finishReason)) {
            throw new StructuredOutputException("The answer was stopped by the server's content filter",
                    text, List.of(), finishReason, response, false, null);
        }
    }

    static StructuredOutputException schemaBroken(TypeBinding<?> binding, String text, List<SchemaViolation> violations,
                                                  String finishReason, ChatResponse response) {
        return new StructuredOutputException("The answer breaks the " + binding.name() + " schema: " + violations,
                text, violations, finishReason, response, true, null);
    }

    static <T> T map(TypeBinding<T> binding, JsonNode answer, String text, String finishReason, ChatResponse response) {
        try {
            return binding.mapAnswer(answer);
        } catch (TypeBinding.MappingFailure e) {
            throw new StructuredOutputException("The answer cannot be read as " + binding.name() + ": " + e.getMessage(),
                    text, List.of(new SchemaViolation("", e.getMessage())), finishReason, response, true, e);
        }
    }

    /** Parses exactly one JSON value (inside one optional markdown fence). */
    static JsonNode parse(String text, String finishReason, ChatResponse response, TypeBinding<?> binding) {
        String json = unfence(text);
        try (JsonParser p = Json.MAPPER.createParser(json)) {
            JsonNode node = Json.MAPPER.readTree(p);
            if (node == null || node.isMissingNode()) {
                throw new StructuredOutputException("The answer is empty", text, List.of(), finishReason, response,
                        true, null);
            }
            if (p.nextToken() != null) {
                throw notJson(text, "more text after the JSON value", finishReason, response, binding, null);
            }
            return node;
        } catch (JacksonException e) {
            throw notJson(text, e.getOriginalMessage(), finishReason, response, binding, e);
        }
    }

    private static StructuredOutputException notJson(String text, String why, String finishReason,
                                                     ChatResponse response, TypeBinding<?> binding, Throwable cause) {
        return new StructuredOutputException("The answer is not JSON for " + binding.name() + " (" + why + "): "
                + snippet(text), text, List.of(new SchemaViolation("", "not JSON: " + why)), finishReason, response,
                true, cause);
    }

    private static String unfence(String text) {
        String t = text.strip();
        if (!t.startsWith("```")) {
            return t;
        }
        int firstLine = t.indexOf('\n');
        int close = t.lastIndexOf("```");
        return firstLine < 0 || close <= firstLine ? t : t.substring(firstLine + 1, close).strip();
    }

    static String snippet(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }
}
