package dev.fluxllm.internal.transport;

import dev.fluxllm.ClientClosedException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Tracks the calls in flight so that closing the client ends them at once: disposing the pool
 * alone would leave connections in use (and their subscribers) waiting for the server. Each call
 * costs one set entry, so ten thousand open streams cost no more per call than one.
 */
final class OpenCalls {

    /** A call in flight. */
    interface Call {
        /** Ends the call at once, with the error that says the client was closed. */
        void terminate();
    }

    private final Set<Call> calls = ConcurrentHashMap.newKeySet();
    private final Sinks.Empty<Void> idle = Sinks.empty();
    private volatile boolean closed;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicBoolean drained = new java.util.concurrent.atomic.AtomicBoolean();

    /** Registers a call; returns false when the client is closed (the call must not start). */
    boolean add(Call call) {
        if (closed || closing) {
            return false;
        }
        calls.add(call);
        if (closed || closing) {
            // closeAll() may have run between the check and the add.
            calls.remove(call);
            return false;
        }
        return true;
    }

    /** Forgets a call that ended. */
    void remove(Call call) {
        calls.remove(call);
        if (closing && calls.isEmpty()) {
            signalIdle();
        }
    }

    /** Refuses new calls from now on; returns a Mono that completes when the calls in flight have ended. */
    Mono<Void> drain() {
        closing = true;
        if (calls.isEmpty()) {
            signalIdle();
        }
        return idle.asMono();
    }

    private void signalIdle() {
        // One emitter only: two threads emitting at once would make the sink refuse the second.
        if (drained.compareAndSet(false, true)) {
            idle.tryEmitEmpty();
        }
    }

    /** Returns the error that ends (or refuses) the call {@code what} because the client closed. */
    ClientClosedException closedError(String what) {
        return new ClientClosedException(draining()
                ? "The client is closing (closeGracefully): no new calls are accepted; " + what + " was not sent"
                : "The client was closed; " + what + " did not complete");
    }

    /** Returns whether new calls are refused because a graceful close is under way (not a plain close). */
    boolean draining() {
        return closing && !closed;
    }

    /** Ends every call in flight, and every later one. */
    void closeAll() {
        closed = true;
        for (Call call : calls) {
            call.terminate();
        }
    }
}
