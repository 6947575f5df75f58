package dev.fluxllm;

/**
 * Counts the tokens of one completion, as the server reported them.
 *
 * @param promptTokens       tokens in the prompt
 * @param completionTokens   tokens generated
 * @param totalTokens        both together
 * @param cachedTokens       prompt tokens served from a cache ({@code prompt_tokens_details.cached_tokens}
 *                           or DeepSeek's {@code prompt_cache_hit_tokens}), 0 when not reported
 * @param reasoningTokens    generated tokens spent on reasoning
 *                           ({@code completion_tokens_details.reasoning_tokens}), 0 when not reported
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                    long reasoningTokens) {

    /** Creates usage without details. */
    public Usage(long promptTokens, long completionTokens, long totalTokens) {
        this(promptTokens, completionTokens, totalTokens, 0, 0);
    }
}
