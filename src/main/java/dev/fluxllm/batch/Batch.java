package dev.fluxllm.batch;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs many chat requests through one (rate-limited) endpoint and yields exactly one
 * {@link BatchResult} per input, without losing any.
 *
 * <p>Inputs are pulled from upstream only when a slot is free, so a lazily generated Flux of a
 * million requests is never held in memory: at most {@link BatchOptions#maxBuffered()} inputs are
 * taken but not yet emitted. Calls start within the limits of {@link BatchOptions}: concurrency
 * (adaptive on 429), requests and tokens per minute, and the server's {@code Retry-After} and
 * {@code x-ratelimit-remaining-*} / {@code x-ratelimit-reset-*} headers. A failed input becomes a
 * result with an error and the batch goes on, except for errors every later request would get
 * too ({@link BatchOptions#abortOn()}), which end the Flux with {@link BatchAbortedException}.
 *
 * <p>The returned Flux is cold: each subscription runs the batch afresh. Cancelling it cancels
 * the upstream, the calls in flight and the pending timers. Timers use
 * {@link reactor.core.scheduler.Schedulers#parallel()}, so the engine runs under virtual time.
 */
public final class Batch {

    private Batch() {
    }

    /**
     * Runs {@code requests} through {@code call}, e.g. {@code client::generate}, or any function
     * (a test fake, a router). A call that throws instead of returning a Mono counts as failed.
     */
    public static Flux<BatchResult> run(Flux<ChatRequest> requests, Function<ChatRequest, Mono<ChatResponse>> call,
                                        BatchOptions options) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> new BatchCoordinator(requests, call, options).results());
    }
}
