package dev.fluxllm;

import java.time.Duration;

/**
 * Sums up a call when it ends, for listeners.
 *
 * @param attempts          how many attempts were made (1 without retries)
 * @param status            the HTTP status of the last response, 0 when none arrived
 * @param serverRequestId   the last response's {@code x-request-id}, null when absent
 * @param timeToFirstToken  from subscription to the first chunk that carried text, reasoning or a
 *                          tool-call fragment (streams only), null when none
 * @param elapsed           from subscription to the end
 * @param usage             the token counts the server reported (the last seen), null when none
 * @param completionTokens  {@code usage.completionTokens()} when reported, else the number of
 *                          chunks that carried tokens
 * @param tokensPerSecond   completion tokens per second of generation: for streams from the first
 *                          token to the end (from subscription when only one chunk carried tokens),
 *                          otherwise over {@code elapsed}; 0 when unknown
 */
public record CallStats(int attempts, int status, String serverRequestId, Duration timeToFirstToken,
                        Duration elapsed, Usage usage, long completionTokens, double tokensPerSecond) {
}
