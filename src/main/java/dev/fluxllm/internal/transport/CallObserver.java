package dev.fluxllm.internal.transport;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.util.context.ContextView;

/**
 * Hears each attempt of a call and its response headers. Put one in the subscriber's Reactor
 * {@code Context} under {@link #KEY}; the transport calls it on the thread that runs the call, so
 * implementations must be quick and must not block.
 */
public interface CallObserver {

    /** The Context key the transport looks the observer up under. */
    Class<CallObserver> KEY = CallObserver.class;

    /** Called when an attempt starts, before anything is sent. */
    default void attemptStarted() {
    }

    /** Called when the response headers of an attempt arrive, whatever the status. */
    default void responseHeaders(int status, HttpHeaders headers) {
    }

    /** Returns the observer in the context, or a no-op one. */
    static CallObserver from(ContextView context) {
        return context.getOrDefault(KEY, NONE);
    }

    /** Hears nothing. */
    CallObserver NONE = new CallObserver() {
    };
}
