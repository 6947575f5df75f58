package dev.fluxllm.internal.observe;

import dev.fluxllm.CallStats;
import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.retry.RetrySupport;
import dev.fluxllm.internal.transport.CallObserver;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Follows one call and relays its events to the listeners. Reactor delivers one call's signals one
 * at a time, so plain fields suffice; those written outside the stream's signals (attempts,
 * headers, retries run on other threads) are volatile. The per-item fields are plain: Reactive
 * Streams orders a stream's onNext signals (rule 1.3), and a volatile store per chunk is a fence
 * per chunk.
 */
final class CallState implements CallObserver, RetrySupport.RetryListener {

    private final UnaryOperator<OpenAiCompatException> redactor;

    private static final Logger log = Loggers.getLogger(CallState.class);

    private final LlmCall call;
    private final List<LlmListener> listeners;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long startNanos;
    private long lastItemNanos;
    private long firstTokenNanos;
    private volatile int attempts;
    private volatile int status;
    private volatile String serverRequestId;
    private volatile Usage usage;
    private long tokenItems;
    private LlmListener.ChunkObserver[] chunkObservers;
    /** Whether any listener uses the time between chunks; known with the observers. */
    private boolean timed;

    CallState(LlmCall call, List<LlmListener> listeners, UnaryOperator<OpenAiCompatException> redactor) {
        this.redactor = redactor;
        this.call = call;
        this.listeners = listeners;
    }

    void start(Object request, ContextView context) {
        startNanos = System.nanoTime();
        lastItemNanos = startNanos;
        fire(l -> l.onRequestStart(call, request, context));
    }

    /** Lets every listener add to the context the call's own work runs with. */
    Context decorate(Context context) {
        Context c = context;
        for (LlmListener l : listeners) {
            try {
                Context next = l.decorateContext(call, c);
                if (next != null) {
                    c = next;
                }
            } catch (RuntimeException e) {
                log.warn("Listener {} failed on request {}: {}", l.getClass().getName(), call.requestId(), e.toString());
            }
        }
        return c;
    }

    void response(Object value) {
        if (value != null) {
            fire(l -> l.onResponse(call, value));
        }
    }

    @Override
    public void warning(String message) {
        fire(l -> l.onWarning(call, message));
    }

    @Override
    public void attemptStarted() {
        int n = ++attempts;
        fire(l -> l.onAttempt(call, n));
    }

    @Override
    public void responseHeaders(int status, Function<String, String> header) {
        this.status = status;
        String id = header.apply("x-request-id");
        this.serverRequestId = id;
        fire(l -> l.onResponseHeaders(call, status, id));
    }

    @Override
    public void retryScheduled(int attempt, Duration delay, OpenAiCompatException cause) {
        OpenAiCompatException safe = redactor.apply(cause);
        fire(l -> l.onRetryScheduled(call, attempt, delay, safe));
    }

    void usage(Usage u) {
        if (u != null) {
            usage = u;
        }
    }

    void item(Object item, boolean hasToken, Usage u) {
        LlmListener.ChunkObserver[] observers = chunkObservers;
        if (observers == null) {
            observers = chunkObservers();
        }
        // A clock read per chunk only when someone uses the gap (20-35 ns on a VM).
        long now = timed || hasToken && firstTokenNanos == 0 ? System.nanoTime() : 0;
        long since = timed ? now - lastItemNanos : 0;
        lastItemNanos = now;
        usage(u);
        if (hasToken) {
            tokenItems++;
            if (firstTokenNanos == 0) {
                firstTokenNanos = now;
                Duration latency = Duration.ofNanos(now - startNanos);
                fire(l -> l.onFirstToken(call, latency));
            }
        }
        // The hot path of a stream: a plain loop, no lambda per item.
        for (int i = 0; i < observers.length; i++) {
            LlmListener.ChunkObserver o = observers[i];
            if (o == SKIP) {
                continue;
            }
            try {
                if (o != null) {
                    o.onChunk(item, since);
                } else {
                    listeners.get(i).onChunk(call, item, Duration.ofNanos(since));
                }
            } catch (RuntimeException e) {
                log.warn("Listener {} failed on request {}: {}", listeners.get(i).getClass().getName(),
                        call.requestId(), e.toString());
            }
        }
    }

    /**
     * Asks each listener, once per stream, what takes its items: its observer, else its
     * {@code onChunk} (null here), or nobody when it leaves {@code onChunk} as the empty default.
     */
    private LlmListener.ChunkObserver[] chunkObservers() {
        LlmListener.ChunkObserver[] observers = new LlmListener.ChunkObserver[listeners.size()];
        boolean anyTimed = false;
        for (int i = 0; i < observers.length; i++) {
            LlmListener l = listeners.get(i);
            try {
                LlmListener.ChunkObserver o = l.chunkObserver(call);
                if (o == null && !OVERRIDES_ON_CHUNK.get(l.getClass())) {
                    o = SKIP;
                }
                observers[i] = o;
                anyTimed |= o == null || o != SKIP && o.timesChunks();
            } catch (RuntimeException e) {
                log.warn("Listener {} failed on request {}: {}", l.getClass().getName(), call.requestId(), e.toString());
                observers[i] = SKIP;
            }
        }
        timed = anyTimed;
        chunkObservers = observers;
        return observers;
    }

    /** Stands for a listener that hears no chunks. */
    private static final LlmListener.ChunkObserver SKIP = (chunk, nanos) -> { };

    /** Whether a listener class has an {@code onChunk} of its own (the default does nothing). */
    private static final ClassValue<Boolean> OVERRIDES_ON_CHUNK = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("onChunk", LlmCall.class, Object.class, Duration.class).getDeclaringClass()
                        != LlmListener.class;
            } catch (NoSuchMethodException e) {
                return true;
            }
        }
    };

    void complete() {
        if (ended.compareAndSet(false, true)) {
            CallStats stats = stats();
            fire(l -> l.onComplete(call, stats));
        }
    }

    void error(Throwable t) {
        if (ended.compareAndSet(false, true)) {
            CallStats stats = stats();
            fire(l -> l.onError(call, t, stats));
        }
    }

    void cancel() {
        if (ended.compareAndSet(false, true)) {
            CallStats stats = stats();
            fire(l -> l.onCancel(call, stats));
        }
    }

    private CallStats stats() {
        long end = System.nanoTime();
        Duration elapsed = Duration.ofNanos(end - startNanos);
        Usage u = usage;
        long tokens = u != null ? u.completionTokens() : tokenItems;
        long first = firstTokenNanos;
        long generationNanos = first != 0 && tokenItems > 1 ? end - first : end - startNanos;
        double tps = tokens > 0 && generationNanos > 0 ? tokens * 1e9 / generationNanos : 0;
        return new CallStats(Math.max(1, attempts), status, serverRequestId,
                first == 0 ? null : Duration.ofNanos(first - startNanos), elapsed, u, tokens, tps);
    }

    private void fire(Consumer<LlmListener> event) {
        for (LlmListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("Listener {} failed on request {}: {}", l.getClass().getName(), call.requestId(), e.toString());
            }
        }
    }
}
