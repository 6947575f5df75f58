package dev.fluxllm.internal.chat;

import dev.fluxllm.OpenAiCompatException;
import java.time.Duration;
import java.util.function.Function;

/**
 * Hears what a {@code generate} call saw on the wire, when one is put in the subscriber's Reactor
 * context under {@link #CONTEXT_KEY}: every HTTP reply's status and headers (so a batch can read
 * {@code x-ratelimit-*} from successes as well as failures), and every retry the client's own
 * retry policy schedules (so a batch sees each 429, not only the last one). Called on the event
 * loop: implementations must be quick and must not block.
 */
public interface CallObserver {

    /** The context key; the value is the observer. */
    Object CONTEXT_KEY = CallObserver.class;

    /**
     * Hears one HTTP reply of the call.
     *
     * @param status   the HTTP status
     * @param headers  looks up a header by name (case-insensitive), null when absent
     */
    void onReply(int status, Function<String, String> headers);

    /** Hears that the client will send the request again after {@code delay}. */
    void onRetry(int attempt, Duration delay, OpenAiCompatException cause);
}
