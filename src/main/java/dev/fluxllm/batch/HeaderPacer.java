package dev.fluxllm.batch;

/**
 * Paces starts by what the server last said in its {@code x-ratelimit-*} headers: when no
 * requests remain, nothing starts until the request budget resets; when fewer tokens remain than
 * a request needs, it waits for the token budget's reset. Starts made since the last reply are
 * subtracted locally, so a burst does not overrun the budget before the next reply arrives.
 * Not thread-safe.
 */
final class HeaderPacer {

    private long requestsRemaining = -1;
    private long requestsResetAt;
    private long tokensRemaining = -1;
    private long tokensResetAt;

    /** Takes in the headers of a reply seen at {@code now}. */
    void update(long now, RateLimitHeaders h) {
        if (h.remainingRequests() >= 0 && h.resetRequestsMillis() >= 0) {
            requestsRemaining = h.remainingRequests();
            requestsResetAt = now + h.resetRequestsMillis();
        }
        if (h.remainingTokens() >= 0 && h.resetTokensMillis() >= 0) {
            tokensRemaining = h.remainingTokens();
            tokensResetAt = now + h.resetTokensMillis();
        }
    }

    /** Returns the earliest time a request of {@code tokens} may start, {@code now} or later. */
    long allowedAt(long now, long tokens) {
        long at = now;
        if (requestsRemaining == 0 && now < requestsResetAt) {
            at = requestsResetAt;
        }
        if (tokensRemaining >= 0 && tokensRemaining < tokens && now < tokensResetAt) {
            at = Math.max(at, tokensResetAt);
        }
        return at;
    }

    /** Counts a start against the last known budgets. */
    void started(long now, long tokens) {
        if (requestsRemaining > 0 && now < requestsResetAt) {
            requestsRemaining--;
        } else if (now >= requestsResetAt) {
            requestsRemaining = -1;
        }
        if (tokensRemaining >= 0 && now < tokensResetAt) {
            tokensRemaining = Math.max(0, tokensRemaining - tokens);
        } else if (now >= tokensResetAt) {
            tokensRemaining = -1;
        }
    }
}
