package dev.fluxllm.internal.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.RejectedExecutionException;

/** What a caller needs to know about the Netty event loop it may be running on. */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * Runs {@code task} after the event loop's current task when called on an event loop, and
     * returns true; returns false (and runs nothing) elsewhere. A reply reaches its subscriber
     * before its connection is back in the pool: work started from there (the next call of a
     * batch) would wait in the pool for the connection it could have had a moment later.
     */
    public static boolean afterCurrentTask(Runnable task) {
        EventExecutor loop = current();
        if (loop == null) {
            return false;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the loop is shutting down: the caller runs the work itself
        }
    }

    /** Returns the event loop running the calling thread, if it takes tasks; null elsewhere. */
    static EventExecutor current() {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        return loop != null && loop.inEventLoop() && !loop.isShuttingDown() ? loop : null;
    }
}
