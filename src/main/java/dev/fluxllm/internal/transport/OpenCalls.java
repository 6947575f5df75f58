package dev.fluxllm.internal.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Tracks the calls in flight so that closing the client ends them at once: disposing the pool
 * alone would leave connections in use (and their subscribers) waiting for the server. Each call
 * costs one set entry, so ten thousand open streams cost no more per call than one.
 */
final class OpenCalls {

    private final Set<Sinks.Empty<Void>> calls = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Returns the call, ended with {@code onClose}'s error when the client closes (or was closed). */
    <T> Flux<T> track(Flux<T> call, Supplier<? extends Throwable> onClose) {
        return Flux.defer(() -> {
            if (closed) {
                return Flux.error(onClose.get());
            }
            Sinks.Empty<Void> end = Sinks.empty();
            calls.add(end);
            if (closed) {
                // close() may have run between the check and the add.
                calls.remove(end);
                return Flux.error(onClose.get());
            }
            return call.takeUntilOther(end.asMono().then(Mono.error(onClose)))
                    .doFinally(signal -> calls.remove(end));
        });
    }

    /** Ends every call in flight, and every later one. */
    void closeAll() {
        closed = true;
        for (Sinks.Empty<Void> end : calls) {
            end.tryEmitEmpty();
        }
    }
}
