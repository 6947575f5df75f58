package dev.fluxllm;

/**
 * Holds one embedding vector.
 *
 * @param index   the position of its input in the request
 * @param vector  the vector; base64 answers are decoded to the same floats
 */
public record Embedding(int index, float[] vector) {
}
