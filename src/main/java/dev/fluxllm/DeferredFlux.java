package dev.fluxllm;

import java.util.function.BiFunction;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * Builds a call's Flux at each subscription, as {@code Flux.defer} does, from a client, a request
 * and a function made once (a method reference to the client's own method): no lambda per call.
 */
final class DeferredFlux<R, T> extends Flux<T> {

    private final OpenAiCompatClient client;
    private final R request;
    private final BiFunction<OpenAiCompatClient, R, Flux<T>> build;

    DeferredFlux(OpenAiCompatClient client, R request, BiFunction<OpenAiCompatClient, R, Flux<T>> build) {
        this.client = client;
        this.request = request;
        this.build = build;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Flux<T> call;
        try {
            call = build.apply(client, request);
        } catch (Throwable e) {
            Operators.error(actual, Operators.onOperatorError(e, actual.currentContext()));
            return;
        }
        call.subscribe(actual);
    }
}
