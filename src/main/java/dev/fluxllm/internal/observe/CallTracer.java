package dev.fluxllm.internal.observe;

import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.retry.RetrySupport;
import dev.fluxllm.internal.transport.CallObserver;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Tells a client's listeners about its calls: wraps each call so that its subscription, attempts,
 * retries, response headers, chunks and end reach every {@link dev.fluxllm.LlmListener}. The
 * transport and the retry layer are reached through the Reactor {@code Context}. With no listener,
 * calls pass through untouched.
 */
public final class CallTracer {

    private final List<LlmListener> listeners;
    private final String client;
    private final String baseUrl;
    private final UnaryOperator<OpenAiCompatException> redactor;
    /**
     * The fallbacks that redact a failure, made once: onErrorMap builds lambdas per call, which an
     * open stream keeps.
     */
    private final Function<Throwable, Mono<Object>> monoRedacted;
    /** A stream's failure redacted, by an operator lighter than onErrorResume ({@link RedactingFlux}). */
    private final Function<Throwable, Throwable> streamRedactor;

    /**
     * @param redactor removes the caller's secrets from a failure; applied to every failure before
     *                 a listener or the subscriber sees it
     */
    public CallTracer(List<LlmListener> listeners, String client, String baseUrl,
                      UnaryOperator<OpenAiCompatException> redactor) {
        this.listeners = List.copyOf(listeners);
        this.client = client;
        this.baseUrl = baseUrl;
        this.redactor = redactor;
        this.monoRedacted = t -> Mono.error(redact(t));
        this.streamRedactor = this::redact;
    }

    /**
     * Returns a tracer over the listeners that {@linkplain LlmListener#observesToolLoops() hear
     * tool loops}, for a loop's own calls.
     */
    public CallTracer forToolLoops() {
        return new CallTracer(listeners.stream().filter(LlmListener::observesToolLoops).toList(), client, baseUrl,
                redactor);
    }

    /** Returns whether any listener is registered. */
    public boolean enabled() {
        return !listeners.isEmpty();
    }

    /** Wraps a call that emits one value; {@code usage} extracts the token counts, may return null. */
    public <T> Mono<T> mono(String operation, String path, String model, Mono<T> raw, Function<T, Usage> usage) {
        return mono(operation, path, model, null, raw, usage);
    }

    /** Wraps a call that emits one value and sends {@code request} (told to listeners, may be null). */
    public <T> Mono<T> mono(String operation, String path, String model, Object request, Mono<T> raw,
                            Function<T, Usage> usage) {
        Mono<T> call = raw.onErrorResume(redacted(monoRedacted));
        if (!enabled()) {
            return call;
        }
        return Mono.deferContextual(ctx -> {
            CallState state = start(ctx, operation, path, model, request);
            return call.contextWrite(c -> state.decorate(CallObserver.with(c, state)))
                    .doOnNext(v -> {
                        state.usage(usage.apply(v));
                        state.response(v);
                    })
                    .doOnSuccess(v -> state.complete())
                    .doOnError(state::error)
                    .doOnCancel(state::cancel);
        });
    }

    /**
     * Wraps a stream; {@code hasToken} tells which items carry generated tokens, {@code usage}
     * extracts token counts from an item (null when it has none).
     */
    public <T> Flux<T> flux(String operation, String path, String model, Flux<T> raw, Predicate<T> hasToken,
                            Function<T, Usage> usage) {
        return flux(operation, path, model, null, raw, hasToken, usage);
    }

    /** Wraps a stream that sends {@code request} (told to listeners, may be null). */
    public <T> Flux<T> flux(String operation, String path, String model, Object request, Flux<T> raw,
                            Predicate<T> hasToken, Function<T, Usage> usage) {
        Flux<T> call = new RedactingFlux<>(raw, streamRedactor);
        if (!enabled()) {
            return call;
        }
        return Flux.deferContextual(ctx -> {
            CallState state = start(ctx, operation, path, model, request);
            return new StreamSignals<>(call, state, hasToken, usage);
        });
    }

    private Throwable redact(Throwable t) {
        return t instanceof OpenAiCompatException e ? redactor.apply(e) : t;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <P> P redacted(Function<Throwable, ?> fallback) {
        return (P) (Function) fallback;
    }

    private CallState start(ContextView ctx, String operation, String path, String model, Object request) {
        String requestId = ctx.getOrEmpty(LlmListener.REQUEST_ID_KEY).map(Object::toString)
                .filter(s -> !s.isBlank()).orElseGet(CallTracer::newRequestId);
        LlmCall call = new LlmCall(requestId, client, operation, model, baseUrl, path, Instant.now());
        CallState state = new CallState(call, listeners, redactor);
        state.start(request, ctx);
        return state;
    }

    /** Returns a fresh request id: {@code req_} and 16 hex digits. */
    public static String newRequestId() {
        return "req_" + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
