package dev.fluxllm.internal.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Times a call that waits in the pool for a connection. A call started from a reply's completion
 * (a batch starting its next input) runs on an event loop before that reply's connection is back
 * in the pool, so it waits, for microseconds; the pool's default timer then puts a 45 s task on
 * a {@code Schedulers.parallel()} worker, waking it, and cancels it under the worker's queue lock.
 * On an event loop the timer goes on that loop's own task queue: no other thread is woken.
 */
final class PendingAcquireTimer implements BiFunction<Runnable, Duration, Disposable> {

    static final PendingAcquireTimer INSTANCE = new PendingAcquireTimer();

    private PendingAcquireTimer() {
    }

    @Override
    public Disposable apply(Runnable timeout, Duration delay) {
        EventExecutor loop = EventLoops.current();
        if (loop != null) {
            try {
                ScheduledFuture<?> task = loop.schedule(timeout, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> task.cancel(false);
            } catch (RejectedExecutionException e) {
                // the loop is shutting down: time the wait as the pool otherwise would
            }
        }
        return Schedulers.parallel().schedule(timeout, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
