package dev.fluxllm.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits, bounded, for something another thread finishes (a channel closing, a pool release). */
public final class Eventually {

    private Eventually() {
    }

    /** Polls the condition every millisecond until it holds; fails with the message after the timeout. */
    public static void await(BooleanSupplier condition, Duration timeout, String message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message + " (not within " + timeout.toMillis() + " ms)");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
