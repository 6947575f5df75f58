package dev.fluxllm.bench.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs {@code calls} requests with at most {@code concurrency} in flight and checks every answer.
 * Blocking contenders get one pool thread per concurrent call; async ones are driven from this
 * thread through a semaphore, so no extra threads are charged to them.
 */
final class Workload implements AutoCloseable {

    private final Supplier<CompletionStage<Answer>> call;
    private final Script script;
    private final int concurrency;
    private final ExecutorService pool;
    private final AtomicReference<String> failure = new AtomicReference<>();

    Workload(Contender contender, boolean stream, Script script, int concurrency) {
        this.call = stream ? contender::stream : contender::generate;
        this.script = script;
        this.concurrency = concurrency;
        this.pool = contender.blocks(stream) && concurrency > 1
            ? Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "bench-caller");
                t.setDaemon(true);
                return t;
            })
            : null;
    }

    /** Runs one iteration; returns null when every answer was right, else the first problem. */
    String run(int calls, long timeoutSeconds) throws InterruptedException {
        failure.set(null);
        CountDownLatch done = new CountDownLatch(calls);
        if (concurrency == 1) {
            for (int i = 0; i < calls && failure.get() == null; i++) {
                try {
                    check(call.get().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS), null);
                } catch (Exception e) {
                    check(null, e);
                }
            }
            return failure.get();
        }
        if (pool != null) {
            for (int i = 0; i < calls; i++) {
                rampUp(i, concurrency);
                pool.execute(() -> {
                    try {
                        check(call.get().toCompletableFuture().join(), null);
                    } catch (Throwable e) {
                        check(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
        } else {
            Semaphore inFlight = new Semaphore(concurrency);
            for (int i = 0; i < calls; i++) {
                rampUp(i, concurrency);
                inFlight.acquire();
                CompletionStage<Answer> stage;
                try {
                    stage = call.get();
                } catch (Throwable e) {
                    stage = CompletableFuture.failedFuture(e);
                }
                stage.whenComplete((a, e) -> {
                    check(a, e);
                    inFlight.release();
                    done.countDown();
                });
            }
        }
        if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
            failure.compareAndSet(null, "timed out after " + timeoutSeconds + " s with "
                + done.getCount() + " of " + calls + " calls unfinished");
        }
        return failure.get();
    }

    /**
     * Opens thousands of streams in waves (100 per 5 ms) rather than in one burst: a burst overflows
     * the kernel's accept queue (somaxconn), and that would measure the loopback, not the client.
     */
    private static void rampUp(int started, int concurrency) throws InterruptedException {
        if (concurrency >= 1000 && started < concurrency && started > 0 && started % 100 == 0) {
            Thread.sleep(5);
        }
    }

    private void check(Answer a, Throwable e) {
        if (e != null) {
            Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.CompletionException
                ? e.getCause() : e;
            if (failure.compareAndSet(null, "threw " + cause)) {
                // Only the message reaches the result file: the contender's log gets the whole trace.
                cause.printStackTrace();
            }
            return;
        }
        String m = Verifier.mismatch(script, a);
        if (m != null) {
            failure.compareAndSet(null, m);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
