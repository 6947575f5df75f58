package dev.fluxllm.batch;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ClientClosedException;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.internal.transport.CallObserver;
import dev.fluxllm.internal.transport.EventLoops;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Runs one subscription of a batch. All state is owned by a serialized drain loop: calls
 * finishing, inputs arriving, headers seen and timers firing each enqueue an event and run the
 * loop, and whichever thread gets in first processes every event, starts what the limits allow
 * and emits what downstream demand allows. Nothing waits: a start that is not allowed yet arms
 * one timer on {@link Schedulers#parallel()} for the earliest time it will be.
 */
final class BatchCoordinator {

    private static final Logger log = Loggers.getLogger(BatchCoordinator.class);

    private final Flux<ChatRequest> requests;
    private final Function<ChatRequest, Mono<ChatResponse>> call;
    private final BatchOptions options;
    private final Scheduler scheduler = Schedulers.parallel();

    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    /** Whether a drain waits to run after an event loop's current task. */
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable scheduledDrain = () -> {
        drainScheduled.set(false);
        drain();
    };
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;

    // Owned by the drain loop.
    private FluxSink<BatchResult> sink;
    private Upstream upstream;
    private final RequestWindow requestWindow;
    private final RequestBucket requestBucket;
    private final TokenWindow tokenWindow;
    private final AdaptiveLimit limit;
    private final HeaderPacer pacer = new HeaderPacer();
    private final PriorityQueue<Item> resends = new PriorityQueue<>((a, b) -> a.notBefore != b.notBefore
            ? Long.compare(a.notBefore, b.notBefore) : Long.compare(a.index, b.index));
    private final Set<Item> running = new HashSet<>();
    private final BatchResult[] reorder;
    private final ArrayDeque<BatchResult> ready = new ArrayDeque<>();
    private Item staged;
    private boolean upstreamRequested;
    private boolean upstreamDone;
    private Throwable upstreamError;
    private boolean terminated;
    private long startedAt = -1;
    private long taken;
    private long emitted;
    private long succeeded;
    private long failed;
    private long rateLimited;
    private long tokens;
    private long startSeq;
    private long pausedUntil;
    private Disposable timer;
    private long timerAt = Long.MAX_VALUE;
    private long timerGeneration;
    /** Results finished since the last progress report: progress is told when a result is ready. */
    private long resultsSinceReport;
    private volatile reactor.util.context.ContextView callerContext = reactor.util.context.Context.empty();

    public BatchCoordinator(Flux<ChatRequest> requests, Function<ChatRequest, Mono<ChatResponse>> call,
                            BatchOptions options) {
        this.requests = requests;
        this.call = call;
        this.options = options;
        this.requestWindow = options.requestsPerMinute() > 0 ? new RequestWindow(options.requestsPerMinute()) : null;
        this.requestBucket = options.requestsPerMinute() > 0
                ? new RequestBucket(options.requestsPerMinute(), options.requestBurst()) : null;
        this.tokenWindow = options.tokensPerMinute() > 0 ? new TokenWindow(options.tokensPerMinute()) : null;
        this.limit = new AdaptiveLimit(options.minConcurrency(), options.maxConcurrency(),
                options.decreaseFactor(), options.adaptive(), options.rateLimitTolerance());
        this.reorder = options.ordered() ? new BatchResult[options.maxBuffered()] : null;
    }

    /** Returns the results Flux of this run; subscribe to it once. */
    public Flux<BatchResult> results() {
        // Only the drain loop emits, never beyond the demand it counts itself: the sink need not
        // queue again. (Not Flux.push: its onRequest reports unbounded demand at once.)
        return Flux.create(s -> {
            this.sink = s;
            this.callerContext = s.contextView();
            this.upstream = new Upstream();
            events.add(() -> startedAt = now());
            // Subscribed before any demand arrives, so the first pull reaches a live subscription.
            requests.subscribe(upstream);
            s.onCancel(() -> {
                cancelled = true;
                drain();
            });
            s.onRequest(n -> {
                demand.getAndUpdate(d -> Operators.addCap(d, n));
                drain();
            });
            drain();
        }, FluxSink.OverflowStrategy.IGNORE);
    }

    private long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            if (cancelled) {
                if (!terminated) {
                    terminated = true;
                    release();
                }
                events.clear();
            } else if (!terminated) {
                Runnable event;
                while ((event = events.poll()) != null && !terminated) {
                    event.run();
                }
                if (!terminated) {
                    emit();
                    start();
                    emit();
                    finishIfDone();
                    if (resultsSinceReport > 0 && !terminated) {
                        resultsSinceReport = 0;
                        report(false);
                    }
                }
            } else {
                events.clear();
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    // ---- starting calls ----------------------------------------------------------------------

    private void start() {
        long now = now();
        long wakeAt = Long.MAX_VALUE;
        while (!terminated && running.size() < limit.current()) {
            Item resend = resends.peek();
            Item next;
            if (resend != null && resend.notBefore <= now) {
                next = resend;
            } else {
                if (resend != null) {
                    wakeAt = Math.min(wakeAt, resend.notBefore);
                }
                if (staged == null) {
                    if (upstream.subscribed && !upstreamDone && !upstreamRequested && taken - emitted < options.maxBuffered()) {
                        long at = allowedAt(now, 0);
                        if (at > now) {
                            wakeAt = Math.min(wakeAt, at);
                        } else {
                            // Pull one input only now that a slot is free; it arrives as an event.
                            upstreamRequested = true;
                            upstream.request(1);
                        }
                    }
                    break;
                }
                next = staged;
            }
            long at = allowedAt(now, next.estimate);
            if (at > now) {
                wakeAt = Math.min(wakeAt, at);
                break;
            }
            if (next == resend) {
                resends.poll();
            } else {
                staged = null;
            }
            launch(next, now);
        }
        armTimer(now, wakeAt);
    }

    private long allowedAt(long now, long estimate) {
        long at = Math.max(now, pausedUntil);
        if (requestWindow != null) {
            at = Math.max(at, requestWindow.allowedAt(now));
            at = Math.max(at, requestBucket.allowedAt(now));
        }
        if (estimate > 0) {
            if (tokenWindow != null) {
                at = Math.max(at, tokenWindow.allowedAt(now, estimate));
            }
            at = Math.max(at, pacer.allowedAt(now, estimate));
        } else {
            at = Math.max(at, pacer.allowedAt(now, 0));
        }
        return at;
    }

    private void launch(Item item, long now) {
        item.sends++;
        item.retriesThisSend = 0;
        item.startSeq = ++startSeq;
        if (item.firstStart < 0) {
            item.firstStart = now;
        }
        if (requestWindow != null) {
            requestWindow.record(now);
            requestBucket.take(now);
        }
        if (tokenWindow != null) {
            item.tokenEntry = tokenWindow.record(now, item.estimate);
        }
        pacer.started(now, item.estimate);
        running.add(item);
        Mono<ChatResponse> mono;
        try {
            mono = call.apply(item.request);
            if (mono == null) {
                mono = Mono.error(new NullPointerException("the batch call returned null instead of a Mono"));
            }
        } catch (Throwable t) {
            mono = Mono.error(t);
        }
        int send = item.sends;
        Disposable d = mono
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the batch call completed without a response")))
                // Each call sees the subscriber's context (request ids, the caller's observation).
                .contextWrite(c -> CallObserver.with(c.putAll(callerContext), new Observer(item, send)))
                .subscribe(response -> outcome(() -> done(item, send, response, null)),
                        error -> outcome(() -> done(item, send, null, error)));
        if (running.contains(item) && item.sends == send) {
            item.subscription = d;
        }
    }

    private void event(Runnable event) {
        events.add(event);
        drain();
    }

    /**
     * A call's outcome. On an event loop it is taken after the loop's current task: the reply's
     * connection then is back in the pool, and the next call takes it instead of waiting in the
     * pool (a pending acquire per call, with the pool's timer armed and cancelled).
     */
    private void outcome(Runnable event) {
        events.add(event);
        if (drainScheduled.get() || !drainScheduled.compareAndSet(false, true)) {
            return;
        }
        if (!EventLoops.afterCurrentTask(scheduledDrain)) {
            drainScheduled.set(false);
            drain();
        }
    }

    // ---- outcomes ----------------------------------------------------------------------------

    private void done(Item item, int send, ChatResponse response, Throwable error) {
        if (item.sends != send || !running.remove(item)) {
            return;
        }
        item.subscription = null;
        long now = now();
        if (error == null) {
            item.attempts += 1 + item.retriesThisSend;
            limit.succeeded();
            long used = response.usage() != null ? response.usage().totalTokens() : item.estimate;
            if (tokenWindow != null && response.usage() != null) {
                tokenWindow.correct(item.tokenEntry, used);
            }
            tokens += used;
            finish(item, response, null, now);
            return;
        }
        item.attempts += error instanceof OpenAiCompatException e ? Math.max(1, e.attempts()) : 1;
        if (error instanceof RateLimitException e) {
            rateLimited++;
            limit.rateLimited(item.startSeq, startSeq);
            Duration retryAfter = e.retryAfter();
            if (retryAfter != null) {
                pausedUntil = Math.max(pausedUntil, now + retryAfter.toMillis());
            }
            if (tokenWindow != null) {
                tokenWindow.correct(item.tokenEntry, 0);
            }
            if (item.rateLimitRetries < options.maxRateLimitRetries()) {
                item.rateLimitRetries++;
                item.notBefore = now + (retryAfter != null ? retryAfter.toMillis() : backoff(item.rateLimitRetries));
                resends.add(item);
                return;
            }
        } else if (error instanceof ClientClosedException) {
            stopTaking(item, error, now);
            return;
        } else if (options.abortOn().test(error)) {
            abort(item, error);
            return;
        }
        finish(item, null, error, now);
    }

    /**
     * The client is closing: no input more is pulled, the inputs already taken but not sent get
     * the error as their result, the calls in flight finish as the close allows, and the batch
     * then ends with a BatchAbortedException naming the first input that met the close.
     */
    private void stopTaking(Item item, Throwable error, long now) {
        finish(item, null, error, now);
        if (upstreamError == null) {
            upstreamError = new BatchAbortedException(item.index, error);
        }
        if (!upstreamDone) {
            upstreamDone = true;
            upstream.cancel();
        }
        if (staged != null) {
            finish(staged, null, error, now);
            staged = null;
        }
        while (!resends.isEmpty()) {
            finish(resends.poll(), null, error, now);
        }
    }

    private long backoff(int retry) {
        long first = options.rateLimitBackoff().toMillis();
        long max = options.maxRateLimitBackoff().toMillis();
        int shift = Math.min(30, retry - 1);
        return Math.min(max, first << shift < 0 ? max : first << shift);
    }

    private void finish(Item item, ChatResponse response, Throwable error, long now) {
        BatchResult result = new BatchResult(item.index, item.request, response, error, item.attempts,
                Duration.ofMillis(item.firstStart < 0 ? 0 : now - item.firstStart));
        if (error == null) {
            succeeded++;
        } else {
            failed++;
        }
        resultsSinceReport++;
        if (reorder != null) {
            reorder[(int) (item.index % reorder.length)] = result;
        } else {
            ready.add(result);
        }
    }

    private void emit() {
        long requested = demand.get();
        long sent = 0;
        while (sent < requested && !terminated) {
            BatchResult next;
            if (reorder != null) {
                int slot = (int) (emitted % reorder.length);
                next = reorder[slot];
                if (next == null) {
                    break;
                }
                reorder[slot] = null;
            } else {
                next = ready.poll();
                if (next == null) {
                    break;
                }
            }
            emitted++;
            sent++;
            sink.next(next);
        }
        if (sent > 0 && requested != Long.MAX_VALUE) {
            demand.addAndGet(-sent);
        }
    }

    private void finishIfDone() {
        if (terminated || !upstreamDone || staged != null || !running.isEmpty() || !resends.isEmpty()
                || emitted < taken) {
            return;
        }
        terminated = true;
        release();
        report(true);
        if (upstreamError != null) {
            sink.error(upstreamError);
        } else {
            sink.complete();
        }
    }

    private void abort(Item item, Throwable error) {
        terminated = true;
        failed++;
        release();
        report(true);
        sink.error(new BatchAbortedException(item.index, error));
    }

    private void release() {
        if (upstream != null) {
            upstream.cancel();
        }
        for (Item item : running) {
            if (item.subscription != null) {
                item.subscription.dispose();
            }
        }
        running.clear();
        resends.clear();
        ready.clear();
        staged = null;
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
    }

    private void report(boolean finished) {
        var listener = options.onProgress();
        if (listener == null) {
            return;
        }
        long now = now();
        int inFlight = running.size();
        BatchProgress progress = new BatchProgress(taken, succeeded, failed, inFlight,
                (int) Math.max(0, taken - inFlight - succeeded - failed), limit.current(),
                rateLimited, tokens, Duration.ofMillis(startedAt < 0 ? 0 : now - startedAt), finished);
        try {
            listener.accept(progress);
        } catch (RuntimeException e) {
            log.warn("Batch progress listener failed: {}", e.toString());
        }
    }

    private void armTimer(long now, long at) {
        if (at == Long.MAX_VALUE || at >= timerAt) {
            return;
        }
        if (timer != null) {
            timer.dispose();
        }
        long generation = ++timerGeneration;
        timerAt = at;
        timer = scheduler.schedule(() -> event(() -> {
            if (generation == timerGeneration) {
                timer = null;
                timerAt = Long.MAX_VALUE;
            }
        }), Math.max(0, at - now), TimeUnit.MILLISECONDS);
    }

    // ---- upstream ----------------------------------------------------------------------------

    private void arrived(ChatRequest request) {
        upstreamRequested = false;
        Item item = new Item(taken++, request);
        try {
            item.estimate = Math.max(1, options.tokenEstimator().applyAsLong(request));
        } catch (RuntimeException e) {
            item.attempts = 0;
            finish(item, null, e, now());
            return;
        }
        staged = item;
    }

    private final class Upstream extends BaseSubscriber<ChatRequest> {
        volatile boolean subscribed;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // Nothing is requested until a slot is free.
            subscribed = true;
            drain();
        }

        @Override
        protected void hookOnNext(ChatRequest request) {
            event(() -> arrived(request));
        }

        @Override
        protected void hookOnComplete() {
            event(() -> upstreamDone = true);
        }

        @Override
        protected void hookOnError(Throwable error) {
            event(() -> {
                upstreamDone = true;
                upstreamError = error;
            });
        }
    }

    /** Hears the client's wire events for one send of one input. */
    private final class Observer implements CallObserver {
        private final Item item;
        private final int send;

        Observer(Item item, int send) {
            this.item = item;
            this.send = send;
        }

        @Override
        public void responseHeaders(int status, Function<String, String> header) {
            RateLimitHeaders h = RateLimitHeaders.read(header);
            if (h != RateLimitHeaders.NONE) {
                event(() -> pacer.update(now(), h));
            }
        }

        @Override
        public void retryScheduled(int attempt, Duration delay, OpenAiCompatException cause) {
            event(() -> {
                if (item.sends != send || !running.contains(item)) {
                    return;
                }
                item.retriesThisSend++;
                long now = now();
                if (requestWindow != null) {
                    requestWindow.record(now);
                    requestBucket.take(now);
                }
                if (cause instanceof RateLimitException) {
                    rateLimited++;
                    limit.rateLimited(item.startSeq, startSeq);
                    if (cause.retryAfter() != null) {
                        pausedUntil = Math.max(pausedUntil, now + cause.retryAfter().toMillis());
                    }
                }
            });
        }
    }

    /** One input, from the time it is taken until its result is ready. */
    private static final class Item {
        final long index;
        final ChatRequest request;
        long estimate;
        int sends;
        int attempts;
        int retriesThisSend;
        int rateLimitRetries;
        long startSeq;
        long firstStart = -1;
        long notBefore;
        TokenWindow.Entry tokenEntry;
        Disposable subscription;

        Item(long index, ChatRequest request) {
            this.index = index;
            this.request = request;
        }
    }
}
