package dev.fluxllm.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.netty.Connection;
import reactor.util.context.Context;

/**
 * Decodes a response body read by read into items, as one operator over the connection's inbound
 * buffers: the next read is requested once the items of the last one are being delivered (one
 * read ahead, never more, so the socket is read about as fast as the subscriber asks), and the
 * body's end decides how the stream ends:
 * <ul>
 *   <li>a decoder failure ends it with that failure, after the items decoded before it;</li>
 *   <li>after the decoder is done ({@code [DONE]}), the rest of the body is read so that the
 *       connection can go back to the pool, for at most {@link #DONE_GRACE};</li>
 *   <li>a connection failure waits behind the items already decoded; a premature close is the
 *       decoder's to judge ({@link BodyDecoder#endOfBody}), any other failure is passed on;</li>
 *   <li>anything but a body read cleanly to its end (cut short, cancelled, failed) closes the
 *       connection, which must not go back to the pool half-read.</li>
 * </ul>
 */
final class BodyStream<T> extends Flux<T> {

    /** How long to wait for the body's end after {@code [DONE]} before closing the connection. */
    static final Duration DONE_GRACE = Duration.ofMillis(50);

    private final Connection conn;
    private final BodyDecoder<T> decoder;
    private final CallWatch<?> watch;

    BodyStream(Connection conn, BodyDecoder<T> decoder, CallWatch<?> watch) {
        this.conn = conn;
        this.decoder = decoder;
        this.watch = watch;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        conn.inbound().receive().subscribe(new Reader<>(actual, conn, decoder, watch));
    }

    private static final class Reader<T> implements CoreSubscriber<ByteBuf>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<Reader> REQUESTED = AtomicLongFieldUpdater.newUpdater(Reader.class, "requested");
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Reader> WIP = AtomicIntegerFieldUpdater.newUpdater(Reader.class, "wip");

        private final CoreSubscriber<? super T> actual;
        private final Connection conn;
        private final BodyDecoder<T> decoder;
        private final CallWatch<?> watch;
        /** Taken at subscription, on the event loop: a slow subscriber may decode the last reads after the channel left it. */
        private final EventLoop loop;
        private Subscription upstream;

        private volatile long requested;
        private volatile int wip;
        /** Items of the last read, handed from onNext to the drain loop; at most one read is pending. */
        private volatile List<T> pending;
        /** True from asking for a read until it arrives. */
        private volatile boolean reading;
        /** No more reads will come: the body ended, failed, or reading was stopped. */
        private volatile boolean upstreamDone;
        private volatile boolean cancelled;
        private boolean bodyEnded;
        private Throwable transportFailure;
        private volatile ScheduledFuture<?> grace;
        private boolean terminated;

        // Owned by the drain loop.
        private List<T> current;
        private int index;

        Reader(CoreSubscriber<? super T> actual, Connection conn, BodyDecoder<T> decoder, CallWatch<?> watch) {
            this.actual = actual;
            this.conn = conn;
            this.decoder = decoder;
            this.watch = watch;
            this.loop = conn.channel().eventLoop();
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(ByteBuf buf) {
            // Netty releases the buffer when this returns.
            if (upstreamDone || cancelled) {
                return;
            }
            List<T> items;
            boolean wasDone = decoder.isDone();
            try {
                items = decoder.decode(buf);
            } catch (RuntimeException e) {
                stopReading(e);
                return;
            }
            if (!items.isEmpty()) {
                watch.touch();
            }
            if (!wasDone && decoder.isDone()) {
                grace = startGrace();
            }
            if (decoder.failure() != null) {
                upstream.cancel();
                upstreamDone = true;
            }
            reading = false;
            if (items.isEmpty()) {
                drain(null);
            } else if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
                // Usually the subscriber is waiting: the items go to it from here, and are kept
                // (in a field of this long-lived object, which costs the garbage collector a card
                // to re-scan per store) only when it asked for fewer.
                drainLoop(items);
            } else {
                pending = items;
                drain(null);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (upstreamDone) {
                return;
            }
            transportFailure = t;
            upstreamDone = true;
            drain(null);
        }

        @Override
        public void onComplete() {
            if (upstreamDone) {
                return;
            }
            bodyEnded = true;
            upstreamDone = true;
            drain(null);
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain(null);
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            upstream.cancel();
            stopGrace();
            conn.dispose();
            if (WIP.getAndIncrement(this) == 0) {
                current = null;
                pending = null;
            }
        }

        /** Stops reading after a failure of this operator itself. */
        private void stopReading(Throwable failure) {
            transportFailure = failure;
            upstream.cancel();
            upstreamDone = true;
            drain(null);
        }

        private ScheduledFuture<?> startGrace() {
            try {
                // On the connection's event loop (mostly the running thread): no other thread is
                // woken to keep the timer, and cancelling it costs next to nothing.
                return loop.schedule(this::graceOver, DONE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down: no body end will come.
                graceOver();
                return null;
            }
        }

        /** The server kept the response open after [DONE]: stop waiting for its end. */
        private void graceOver() {
            if (!upstreamDone) {
                upstream.cancel();
                upstreamDone = true;
                drain(null);
            }
        }

        private void stopGrace() {
            ScheduledFuture<?> g = grace;
            if (g != null) {
                g.cancel(false);
            }
        }

        private void drain(List<T> fresh) {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            drainLoop(fresh);
        }

        /**
         * Delivers what the subscriber asked for: the rest of the last read ({@code current}), then
         * {@code fresh} (the items of a read just decoded, not stored), then {@code pending}.
         * Called holding the work-in-progress count.
         */
        private void drainLoop(List<T> fresh) {
            int missed = 1;
            int freshIndex = 0;
            for (;;) {
                if (cancelled) {
                    current = null;
                    pending = null;
                    return;
                }
                long r = requested;
                long emitted = 0;
                while (emitted != r) {
                    T item;
                    if (current != null && index < current.size()) {
                        item = current.get(index++);
                    } else if (fresh != null && freshIndex < fresh.size()) {
                        item = fresh.get(freshIndex++);
                    } else {
                        List<T> next = pending;
                        if (next == null) {
                            break;
                        }
                        pending = null;
                        current = next;
                        index = 0;
                        continue;
                    }
                    actual.onNext(item);
                    emitted++;
                    if (cancelled) {
                        current = null;
                        pending = null;
                        return;
                    }
                }
                if (emitted != 0 && r != Long.MAX_VALUE) {
                    REQUESTED.addAndGet(this, -emitted);
                }
                if (fresh != null) {
                    if (freshIndex < fresh.size()) {
                        // The subscriber asked for fewer: keep the rest, after what is left of current.
                        pending = freshIndex == 0 ? fresh : fresh.subList(freshIndex, fresh.size());
                    }
                    fresh = null;
                }
                if (pending == null) {
                    if (upstreamDone) {
                        if (current == null || index >= current.size()) {
                            terminate();
                            return;
                        }
                    } else if (!reading) {
                        // One read ahead of the subscriber, as a prefetch of one: the body's end
                        // (or [DONE]) is seen without waiting for more demand.
                        reading = true;
                        upstream.request(1);
                    }
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        /** Ends the stream as the body's end and the decoder say; called once the items are all delivered. */
        private void terminate() {
            if (terminated) {
                return;
            }
            terminated = true;
            current = null;
            stopGrace();
            Throwable result = decoder.failure();
            if (result == null && transportFailure != null && !TransportErrors.isPrematureClose(transportFailure)) {
                result = transportFailure;
            }
            if (result == null && !decoder.isDone()) {
                try {
                    decoder.endOfBody(transportFailure != null);
                } catch (RuntimeException e) {
                    result = e;
                }
            }
            if (result != null || !bodyEnded || transportFailure != null) {
                conn.dispose();
            }
            if (result != null) {
                actual.onError(result);
            } else {
                actual.onComplete();
            }
        }
    }
}
