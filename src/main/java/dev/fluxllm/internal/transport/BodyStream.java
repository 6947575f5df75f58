package dev.fluxllm.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Queue;
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
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Decodes a response body read by read into items, as one operator over the connection's inbound
 * buffers, and decides from the body's end how the stream ends:
 * <ul>
 *   <li>the connection is read while the subscriber keeps up, and the items of a read go to it
 *       as they are decoded; items it has not asked for yet wait here, and while any wait the
 *       channel stops reading (auto-read off), so what waits is about what one read brought;</li>
 *   <li>a decoder failure ends it with that failure, after the items decoded before it;</li>
 *   <li>after the decoder is done ({@code [DONE]}), the rest of the body is read so that the
 *       connection can go back to the pool, for at most {@link #DONE_GRACE};</li>
 *   <li>a connection failure waits behind the items already decoded; a premature close is the
 *       decoder's to judge ({@link BodyDecoder#endOfBody}), any other failure is passed on;</li>
 *   <li>anything but a body read cleanly to its end (cut short, cancelled, failed) closes the
 *       connection, which must not go back to the pool half-read.</li>
 * </ul>
 * The inbound buffers are asked for all at once, so that Reactor Netty hands each one over as it
 * is read instead of queueing it first: with one queue per open stream, every read stored a
 * reference into a long-lived object, which costs the garbage collector a card to re-scan.
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
        // The inbound messages as they are, not receive()'s ByteBuf view: its map() subscriber would
        // be one more object an open stream keeps; the buffer is taken out of each here.
        conn.inbound().receiveObject().subscribe(new Reader<>(actual, conn, decoder, watch));
    }

    private static final class Reader<T> implements CoreSubscriber<Object>, Subscription, BodyDecoder.Sink<T> {

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
        /**
         * Items decoded and not yet delivered, in order; made when first needed. Filled by onNext,
         * emptied by the drain loop (one producer, one consumer).
         */
        private volatile Queue<T> waiting;
        /** No more reads will come: the body ended, failed, or reading was stopped. */
        private volatile boolean upstreamDone;
        private volatile boolean cancelled;
        private boolean bodyEnded;
        private Throwable transportFailure;
        private volatile ScheduledFuture<?> grace;
        private boolean terminated;

        // Owned by the drain loop.
        private boolean reading;
        /** Auto-read is off because items wait for demand. */
        private boolean paused;

        // Owned by onNext, for the read being decoded.
        /** True while onNext holds the drain loop and no item waits: items go straight out. */
        private boolean direct;
        private long sentDirectly;
        private int itemsInRead;

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
        public void onNext(Object message) {
            // Netty releases the message when this returns.
            if (upstreamDone || cancelled) {
                return;
            }
            boolean wasDone = decoder.isDone();
            // Usually the subscriber is waiting: the items then go to it from accept() as they are
            // decoded, and wait here only when it asked for fewer.
            boolean owner = wip == 0 && WIP.compareAndSet(this, 0, 1);
            Queue<T> q = waiting;
            direct = owner && (q == null || q.isEmpty());
            itemsInRead = 0;
            sentDirectly = 0;
            RuntimeException decodeFailure = null;
            try {
                decoder.decode(content(message), this);
            } catch (RuntimeException e) {
                decodeFailure = e;
            }
            direct = false;
            if (sentDirectly != 0 && requested != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -sentDirectly);
            }
            if (itemsInRead != 0) {
                watch.touch();
            }
            if (decodeFailure != null) {
                transportFailure = decodeFailure;
                upstream.cancel();
                upstreamDone = true;
            } else {
                if (!wasDone && decoder.isDone()) {
                    grace = startGrace();
                }
                if (decoder.failure() != null) {
                    upstream.cancel();
                    upstreamDone = true;
                }
            }
            if (owner) {
                drainLoop();
            } else {
                drain();
            }
        }

        /** The bytes of an inbound message, as receive() would give them. */
        private static ByteBuf content(Object message) {
            if (message instanceof ByteBuf buf) {
                return buf;
            }
            if (message instanceof ByteBufHolder holder) {
                return holder.content();
            }
            throw new IllegalArgumentException("Unexpected inbound message: " + message.getClass().getName());
        }

        /** Takes an item of the read being decoded: to the subscriber if it is waiting for it, else to the queue. */
        @Override
        public boolean accept(T item) {
            itemsInRead++;
            if (cancelled) {
                return false;
            }
            if (direct) {
                if (sentDirectly != requested) {
                    sentDirectly++;
                    actual.onNext(item);
                    return !cancelled;
                }
                // The rest of the read waits, behind this item.
                direct = false;
            }
            Queue<T> q = waiting;
            if (q == null) {
                q = Queues.<T>unbounded(Queues.XS_BUFFER_SIZE).get();
                waiting = q;
            }
            q.offer(item);
            return true;
        }

        @Override
        public void onError(Throwable t) {
            if (upstreamDone) {
                return;
            }
            transportFailure = t;
            upstreamDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (upstreamDone) {
                return;
            }
            bodyEnded = true;
            upstreamDone = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
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
                clearWaiting();
            }
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
                drain();
            }
        }

        private void stopGrace() {
            ScheduledFuture<?> g = grace;
            if (g != null) {
                g.cancel(false);
            }
        }

        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            drainLoop();
        }

        /**
         * Delivers the waiting items the subscriber asked for, ends the stream once the body is
         * over and nothing waits, and starts, pauses or resumes reading. Called holding the
         * work-in-progress count.
         */
        private void drainLoop() {
            int missed = 1;
            for (;;) {
                if (cancelled) {
                    clearWaiting();
                    return;
                }
                // Read before looking at the queue: items of the last read are queued before upstreamDone is set.
                boolean done = upstreamDone;
                Queue<T> q = waiting;
                long r = requested;
                long emitted = 0;
                if (q != null) {
                    while (emitted != r) {
                        T item = q.poll();
                        if (item == null) {
                            break;
                        }
                        actual.onNext(item);
                        emitted++;
                        if (cancelled) {
                            clearWaiting();
                            return;
                        }
                    }
                    if (emitted != 0 && r != Long.MAX_VALUE) {
                        REQUESTED.addAndGet(this, -emitted);
                    }
                }
                boolean empty = q == null || q.isEmpty();
                if (done) {
                    if (empty) {
                        terminate();
                        return;
                    }
                } else if (!reading) {
                    reading = true;
                    upstream.request(Long.MAX_VALUE);
                } else {
                    flowControl(empty);
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        /**
         * Stops reading while items wait for demand, and reads again once they are delivered.
         * After {@code [DONE]} no item can come, and the body's end is read whatever the demand.
         */
        private void flowControl(boolean nothingWaits) {
            boolean pause = !nothingWaits && !decoder.isDone();
            if (pause != paused) {
                paused = pause;
                conn.channel().config().setAutoRead(!pause);
            }
        }

        private void clearWaiting() {
            Queue<T> q = waiting;
            if (q != null) {
                q.clear();
            }
        }

        /** Ends the stream as the body's end and the decoder say; called once the items are all delivered. */
        private void terminate() {
            if (terminated) {
                return;
            }
            terminated = true;
            stopGrace();
            Throwable result = decoder.failure();
            if (result == null && transportFailure != null && !TransportErrors.isPrematureClose(transportFailure)) {
                result = transportFailure;
            }
            if (result == null && !decoder.isDone()) {
                try {
                    decoder.endOfBody(transportFailure != null || StreamResets.resetOf(conn) != null);
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
