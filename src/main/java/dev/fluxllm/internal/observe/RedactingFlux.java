package dev.fluxllm.internal.observe;

import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * Passes a stream through and redacts its failure. Instead of {@code onErrorResume}, whose
 * subscriber (64 B, able to switch to a fallback) an open stream keeps for its life: this one
 * hands the upstream subscription straight to the subscriber and keeps two references.
 */
final class RedactingFlux<T> extends Flux<T> {

    private final Flux<T> source;
    private final Function<Throwable, Throwable> redactor;

    RedactingFlux(Flux<T> source, Function<Throwable, Throwable> redactor) {
        this.source = source;
        this.redactor = redactor;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Redacting<>(actual, redactor));
    }

    private static final class Redacting<T> implements CoreSubscriber<T> {

        private final CoreSubscriber<? super T> actual;
        private final Function<Throwable, Throwable> redactor;

        Redacting(CoreSubscriber<? super T> actual, Function<Throwable, Throwable> redactor) {
            this.actual = actual;
            this.redactor = redactor;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            actual.onSubscribe(s);
        }

        @Override
        public void onNext(T item) {
            actual.onNext(item);
        }

        @Override
        public void onError(Throwable t) {
            Throwable redacted;
            try {
                redacted = redactor.apply(t);
            } catch (RuntimeException e) {
                e.addSuppressed(t);
                redacted = e;
            }
            actual.onError(redacted);
        }

        @Override
        public void onComplete() {
            actual.onComplete();
        }
    }
}
