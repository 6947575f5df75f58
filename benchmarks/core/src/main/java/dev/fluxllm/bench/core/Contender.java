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

    /**
     * Builds the client for a scenario: the driver calls this one. A contender that speaks the
     * Responses API or HTTP/2 reads {@link Scenario#api()} and {@link Scenario#http2()} here;
     * the default ignores them.
     */
    default void open(String baseUrl, Scenario scenario) throws Exception {
        open(baseUrl);
    }

    /**
     * Why this contender cannot run a scenario (reported as "not supported", not timed), or null
     * when it can. The default supports the chat scenarios over HTTP/1.1 only: a contender that
     * does more says so by overriding this.
     */
    default String unsupported(Scenario scenario) {
        if (scenario.responses()) {
            return "no Responses API client";
        }
        if (scenario.http2()) {
            return "no h2c (HTTP/2 prior knowledge) setup";
        }
        return null;
    }

    /** One streamed chat completion (or Responses API stream, for a Responses scenario), assembled. */
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
