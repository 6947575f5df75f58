package dev.fluxllm.internal.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private volatile boolean closed;

    /** Registers a call; returns false when the client is closed (the call must not start). */
    boolean add(Call call) {
        if (closed) {
            return false;
        }
        calls.add(call);
        if (closed) {
            // closeAll() may have run between the check and the add.
            calls.remove(call);
            return false;
        }
        return true;
    }

    /** Forgets a call that ended. */
    void remove(Call call) {
        calls.remove(call);
    }

    /** Ends every call in flight, and every later one. */
    void closeAll() {
        closed = true;
        for (Call call : calls) {
            call.terminate();
        }
    }
}
