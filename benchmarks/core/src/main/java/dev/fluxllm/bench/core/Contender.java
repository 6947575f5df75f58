package dev.fluxllm.bench.core;

import java.util.concurrent.CompletionStage;

/**
 * One client library under test. The driver creates it with the no-argument constructor in a
 * fresh JVM, opens it once, then calls {@link #stream()} or {@link #generate()} many times.
 *
 * <p>A contender whose API blocks returns an already completed stage after doing the work on the
 * calling thread, and says so through {@link #blocks(boolean)}: the driver then gives each concurrent
 * call its own thread, which is what such a client costs.
 */
public interface Contender extends AutoCloseable {

    /** Builds the client for a base URL such as {@code http://127.0.0.1:PORT/text-20000/v1}. */
    void open(String baseUrl) throws Exception;

    /** One streamed chat completion, assembled. */
    CompletionStage<Answer> stream();

    /** One non-streaming chat completion. */
    CompletionStage<Answer> generate();

    /** True when {@link #stream()} (stream true) or {@link #generate()} blocks the calling thread. */
    default boolean blocks(boolean stream) {
        return false;
    }

    @Override
    default void close() throws Exception {
    }
}
