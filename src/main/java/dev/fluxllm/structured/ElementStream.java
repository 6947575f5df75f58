package dev.fluxllm.structured;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.SchemaViolation;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;

/**
 * Follows one streamed list answer and hands out each element when it is complete: the splitter
 * finds its bounds in the text, {@link ElementTree} (or Jackson, where it gives up) reads just that
 * element, the element's schema checks it.
 * One per subscription.
 */
final class ElementStream<E> implements ElementSplitter.Elements {

    private final TypeBinding<E> binding;
    private final AnswerTracker answer = new AnswerTracker();
    private final ElementSplitter splitter = new ElementSplitter(this);
    private final IncrementalJson json = new IncrementalJson(splitter, false);
    private final ElementTree tree = new ElementTree();
    private List<E> ready = new ArrayList<>(4);
    private int index;

    ElementStream(TypeBinding<E> binding) {
        this.binding = binding;
    }

    Iterable<E> onChunk(ChatChunk chunk) {
        int from = answer.length();
        if (answer.add(chunk).isEmpty()) {
            return none();
        }
        StructuredOutputException failure = null;
        try {
            json.feed(answer.chars(), from, answer.length());
        } catch (IncrementalJson.Invalid e) {
            ChatResponse partial = answer.response();
            failure = new StructuredOutputException("The answer is not JSON (" + e.getMessage() + "): "
                    + AnswerReader.snippet(partial.text()), partial.text(),
                    List.of(new SchemaViolation("", "not JSON: " + e.getMessage())), partial.finishReason(), partial,
                    true, e);
        } catch (StructuredOutputException e) {
            failure = e;
        }
        if (ready.isEmpty() && failure == null) {
            return none();
        }
        List<E> out = ready;
        ready = new ArrayList<>(4);
        // The elements completed before the failure in the same piece still reach the subscriber.
        return failure == null ? out : new ThenFail<>(out, failure);
    }

    /**
     * Returns nothing, cheaply: the flattening operator asks every iterable for a spliterator, and
     * most pieces complete no element, so a list's fresh spliterator per piece would be most of
     * the garbage.
     */
    @SuppressWarnings("unchecked")
    private static <E> Iterable<E> none() {
        return (Iterable<E>) NONE;
    }

    private static final Iterable<Object> NONE = new Iterable<>() {
        @Override
        public java.util.Iterator<Object> iterator() {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public java.util.Spliterator<Object> spliterator() {
            return java.util.Spliterators.emptySpliterator();
        }
    };

    /** Iterates the elements, then fails: how a flattening operator emits items and an error from one piece. */
    private record ThenFail<E>(List<E> elements, RuntimeException failure) implements Iterable<E> {
        @Override
        public java.util.Iterator<E> iterator() {
            java.util.Iterator<E> it = elements.iterator();
            return new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (it.hasNext()) {
                        return true;
                    }
                    throw failure;
                }

                @Override
                public E next() {
                    return it.next();
                }
            };
        }
    }

    @Override
    public void element(int start, int end) {
        int i = index++;
        JsonNode node = tree.read(answer.chars(), start, end);
        if (node == null) {
            node = parse(i, start, end);
        }
        List<SchemaViolation> violations = binding.validate(node);
        if (!violations.isEmpty()) {
            List<SchemaViolation> placed = new ArrayList<>(violations.size());
            violations.forEach(v -> placed.add(new SchemaViolation(pointer(i, v.pointer()), v.message())));
            throw failure("Element " + i + " breaks the " + binding.name() + " schema: " + placed, placed, null);
        }
        try {
            ready.add(binding.map(node));
        } catch (TypeBinding.MappingFailure e) {
            throw failure("Element " + i + " cannot be read as " + binding.name() + ": " + e.getMessage(),
                    List.of(new SchemaViolation(pointer(i, ""), e.getMessage())), e);
        }
    }

    /** Reads the element with Jackson: what {@link ElementTree} leaves, and every element that is not JSON. */
    private JsonNode parse(int i, int start, int end) {
        try (JsonParser parser = Json.MAPPER.createParser(answer.chars(), start, end - start)) {
            return Json.MAPPER.readTree(parser);
        } catch (JacksonException e) {
            throw failure("Element " + i + " is not JSON: " + e.getOriginalMessage(),
                    List.of(new SchemaViolation(pointer(i, ""), "not JSON: " + e.getOriginalMessage())), e);
        }
    }

    /** Checks the end of the answer: refused, cut off, or without its array fails after the elements so far. */
    void finish() {
        // The usual ending is checked without the response, whose text is a copy of the whole answer.
        if (!answer.refused() && !AnswerReader.endsBadly(answer.finishReason()) && json.end()
                && splitter.arrayFound()) {
            return;
        }
        ChatResponse response = answer.response();
        String all = response.text();
        AnswerReader.checkEnding(response.refusal(), response.finishReason(), all, response, binding);
        if (!json.end()) {
            throw new StructuredOutputException(all.isBlank() ? "The model returned no answer text"
                    : "The answer ended before its JSON was complete: " + AnswerReader.snippet(all),
                    all, List.of(), response.finishReason(), response, true, null);
        }
        if (!splitter.arrayFound()) {
            throw new StructuredOutputException("The answer has no '" + TypeBinding.LIST_FIELD + "' array: "
                    + AnswerReader.snippet(all), all, List.of(new SchemaViolation("/" + TypeBinding.LIST_FIELD,
                    "required property '" + TypeBinding.LIST_FIELD + "' not found")), response.finishReason(),
                    response, true, null);
        }
    }

    private StructuredOutputException failure(String message, List<SchemaViolation> violations, Throwable cause) {
        ChatResponse partial = answer.response();
        return new StructuredOutputException(message, partial.text(), violations, partial.finishReason(), partial,
                true, cause);
    }

    private static String pointer(int index, String inner) {
        return "/" + TypeBinding.LIST_FIELD + "/" + index + inner;
    }
}
