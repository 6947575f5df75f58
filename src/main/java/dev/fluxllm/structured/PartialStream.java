package dev.fluxllm.structured;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.SchemaViolation;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.SynchronousSink;
import tools.jackson.databind.JsonNode;

/** Follows one streamed answer and turns it into snapshots of the value as it forms. One per subscription. */
final class PartialStream<T> {

    private final TypeBinding<T> binding;
    private final PartialTree tree = new PartialTree();
    private final IncrementalJson json = new IncrementalJson(tree, true);
    private final AnswerTracker answer = new AnswerTracker();
    private T last;

    PartialStream(TypeBinding<T> binding) {
        this.binding = binding;
    }

    void onChunk(ChatChunk chunk, SynchronousSink<T> sink) {
        String text = answer.add(chunk);
        if (text.isEmpty()) {
            return;
        }
        try {
            json.feed(text);
        } catch (IncrementalJson.Invalid e) {
            ChatResponse partial = answer.response();
            sink.error(new StructuredOutputException("The answer is not JSON for " + binding.name() + " ("
                    + e.getMessage() + "): " + AnswerReader.snippet(partial.text()), partial.text(),
                    List.of(new SchemaViolation("", "not JSON: " + e.getMessage())), partial.finishReason(), partial,
                    true, e));
            return;
        }
        if (tree.changed() && tree.root() != null && tree.root().isObject()) {
            T snapshot = binding.mapPartial(binding.unwrap(tree.root()));
            if (snapshot != null && !Objects.equals(snapshot, last)) {
                last = snapshot;
                sink.next(snapshot);
            }
        }
    }

    /** Validates the whole answer; returns the final value, or null when the last snapshot already equals it. */
    T finish() {
        ChatResponse response = answer.response();
        String text = response.text();
        AnswerReader.checkEnding(response.refusal(), response.finishReason(), text, response, binding);
        if (!json.end()) {
            throw new StructuredOutputException(text.isBlank() ? "The model returned no answer text"
                    : "The answer ended before its JSON was complete: " + AnswerReader.snippet(text),
                    text, List.of(), response.finishReason(), response, true, null);
        }
        JsonNode answer = tree.root();
        List<SchemaViolation> violations = binding.validateAnswer(answer);
        if (!violations.isEmpty()) {
            throw AnswerReader.schemaBroken(binding, text, violations, response.finishReason(), response);
        }
        T value = AnswerReader.map(binding, answer, text, response.finishReason(), response);
        return Objects.equals(value, last) ? null : value;
    }
}
