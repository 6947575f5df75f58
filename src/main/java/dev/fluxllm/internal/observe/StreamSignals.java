package dev.fluxllm.internal.observe;

import dev.fluxllm.Usage;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.observability.DefaultSignalListener;

/**
 * Relays a stream's signals to its {@link CallState} from one operator ({@code Flux.tap}) rather
 * than four {@code doOn...} operators: on a stream of thousands of chunks, each operator is a hop
 * per chunk.
 */
final class StreamSignals<T> extends DefaultSignalListener<T> {

    private final CallState state;
    private final Predicate<T> hasToken;
    private final Function<T, Usage> usage;

    StreamSignals(CallState state, Predicate<T> hasToken, Function<T, Usage> usage) {
        this.state = state;
        this.hasToken = hasToken;
        this.usage = usage;
    }

    @Override
    public void doOnNext(T item) {
        state.item(item, hasToken.test(item), usage.apply(item));
    }

    @Override
    public void doOnComplete() {
        state.complete();
    }

    @Override
    public void doOnError(Throwable error) {
        state.error(error);
    }

    @Override
    public void doOnCancel() {
        state.cancel();
    }
}
