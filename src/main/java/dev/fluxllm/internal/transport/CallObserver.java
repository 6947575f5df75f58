package dev.fluxllm.internal.transport;

import dev.fluxllm.OpenAiCompatException;
import java.time.Duration;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Hears each attempt of a call, its response headers and the retries scheduled for it. Put one
 * in the subscriber's Reactor {@code Context} with {@link #with}, which keeps any observer already
 * there (a batch and a tracing listener can both watch one call). Called on the thread that runs
 * the call, often an event loop: implementations must be quick and must not block.
 */
public interface CallObserver {

    /** The Context key the transport looks the observer up under. */
    Class<CallObserver> KEY = CallObserver.class;

    /** Called when an attempt starts, before anything is sent. */
    default void attemptStarted() {
    }

    /**
     * Called when the response headers of an attempt arrive, whatever the status; {@code header}
     * looks one up by name (case-insensitive), null when absent.
     */
    default void responseHeaders(int status, Function<String, String> header) {
    }

    /** Called when the call will be sent again after {@code delay}; {@code attempt} is the next attempt's number. */
    default void retryScheduled(int attempt, Duration delay, OpenAiCompatException cause) {
    }

    /** Called when the answer had something odd that was handled, e.g. a full value that differs from its deltas. */
    default void warning(String message) {
    }

    /** Returns the observer in the context, or a no-op one. */
    static CallObserver from(ContextView context) {
        return context.getOrDefault(KEY, NONE);
    }

    /** Returns the context with {@code observer} added to any observer it already holds. */
    static Context with(Context context, CallObserver observer) {
        CallObserver existing = context.getOrDefault(KEY, null);
        return context.put(KEY, existing == null ? observer : both(existing, observer));
    }

    private static CallObserver both(CallObserver first, CallObserver second) {
        return new CallObserver() {
            @Override
            public void attemptStarted() {
                first.attemptStarted();
                second.attemptStarted();
            }

            @Override
            public void responseHeaders(int status, Function<String, String> header) {
                first.responseHeaders(status, header);
                second.responseHeaders(status, header);
            }

            @Override
            public void retryScheduled(int attempt, Duration delay, OpenAiCompatException cause) {
                first.retryScheduled(attempt, delay, cause);
                second.retryScheduled(attempt, delay, cause);
            }

            @Override
            public void warning(String message) {
                first.warning(message);
                second.warning(message);
            }
        };
    }

    /** Hears nothing. */
    CallObserver NONE = new CallObserver() {
    };
}
