package dev.fluxllm;

import java.util.List;

/**
 * Holds the answer of {@code POST /embeddings}.
 *
 * @param model  the model that answered, "" when absent
 * @param data   one embedding per input, in input order
 * @param usage  the token counts, null when not reported
 */
public record EmbeddingResponse(String model, List<Embedding> data, Usage usage) {

    /** Returns the vector of the first input. */
    public float[] first() {
        return data.get(0).vector();
    }

    /** Returns the vectors in input order. */
    public List<float[]> vectors() {
        return data.stream().map(Embedding::vector).toList();
    }
}
