package dev.fluxllm.internal.observe;

import dev.fluxllm.Usage;
import dev.fluxllm.internal.transport.CallObserver;
import java.util.function.Function;
import java.util.function.Predicate;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.util.annotation.Nullable;
import reactor.util.context.Context;

/**
 * Relays a stream's signals to its {@link CallState} and gives the call its listeners' context, in
 * one operator: one hop per chunk. Not {@code Flux.tap}: with context-propagation on the classpath
 * (every Spring Boot application) {@code tap} restores the context's thread locals around every
 * signal, opening and closing the caller's observation scope once per chunk; the listeners read
 * nothing from thread locals. Nor {@code contextWrite}, a hop per chunk of its own.
 */
final class StreamSignals<T> extends FluxOperator<T, T> {

    private final CallState state;
    private final Predicate<T> hasToken;
    private final Function<T, Usage> usage;

    StreamSignals(Flux<? extends T> source, CallState state, Predicate<T> hasToken, Function<T, Usage> usage) {
        super(source);
        this.state = state;
        this.hasToken = hasToken;
        this.usage = usage;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Context context = state.decorate(CallObserver.with(actual.currentContext(), state));
        source.subscribe(new Relay<>(actual, context, state, hasToken, usage));
    }

    private static final class Relay<T> implements CoreSubscriber<T>, Subscription, Scannable {
        private final CoreSubscriber<? super T> actual;
        private final Context context;
        private final CallState state;
        private final Predicate<T> hasToken;
        private final Function<T, Usage> usage;
        private Subscription upstream;
        private boolean done;

        Relay(CoreSubscriber<? super T> actual, Context context, CallState state, Predicate<T> hasToken,
              Function<T, Usage> usage) {
            this.actual = actual;
            this.context = context;
            this.state = state;
            this.hasToken = hasToken;
            this.usage = usage;
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T item) {
            if (!done) {
                state.item(item, hasToken.test(item), usage.apply(item));
            }
            actual.onNext(item);
        }

        @Override
        public void onError(Throwable t) {
            done = true;
            state.error(t);
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            done = true;
            state.complete();
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            state.cancel();
            upstream.cancel();
        }

        @Override
        @Nullable
        public Object scanUnsafe(Attr key) {
            if (key == Attr.PARENT) {
                return upstream;
            }
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.TERMINATED) {
                return done;
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.SYNC;
            }
            return null;
        }
    }
}
