package dev.fluxllm;

import java.util.List;

/**
 * Holds the answer of SGLang's {@code POST /score}: per item, the probability (or logit) of each
 * label token, in the order of {@code label_token_ids}.
 *
 * @param model   the model that answered, "" when absent
 * @param scores  one list per item
 * @param usage   the token counts, null when not reported
 */
public record ScoreResponse(String model, List<List<Double>> scores, Usage usage) {
}
