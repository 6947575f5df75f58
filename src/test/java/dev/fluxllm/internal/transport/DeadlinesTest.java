package dev.fluxllm.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ApiTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The shared deadlines of {@link CallWatch}: each call's timeout exactly when due, none after it ended. */
class DeadlinesTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final Deadlines deadlines = new Deadlines(time);
    private final OpenCalls calls = new OpenCalls();

    @AfterEach
    void noneLeft() {
        time.dispose();
    }

    /** One watched call with its upstream and what its subscriber saw. */
    private final class Call extends BaseSubscriber<String> {
        final Sinks.Many<String> upstream = Sinks.many().unicast().onBackpressureBuffer();
        final CallWatch<String> watch;
        final AtomicReference<Object> end = new AtomicReference<>();

        Call(Duration response, Duration idle) {
            watch = new CallWatch<>(deadlines, new WatchSettings(response, idle, calls), "POST /x");
            watch.guard(upstream.asFlux(), null, null).subscribe(this);
        }

        @Override
        protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnError(Throwable t) {
            end.set(t);
        }

        @Override
        protected void hookOnComplete() {
            end.set("complete");
        }
    }

    @Test
    void idleTimeoutFiresPerStreamAtItsOwnDeadline() {
        Call a = new Call(Duration.ofSeconds(60), Duration.ofSeconds(10));
        Call b = new Call(Duration.ofSeconds(60), Duration.ofSeconds(25));
        a.watch.headersArrived();
        b.watch.headersArrived();
        time.advanceTimeBy(Duration.ofSeconds(10).minusNanos(1));
        assertThat(a.end.get()).isNull();
        time.advanceTimeBy(Duration.ofNanos(1));
        assertThat(a.end.get()).isInstanceOf(ApiTimeoutException.class)
                .asString().contains("No data event for 10s (streamIdleTimeout)");
        assertThat(b.end.get()).isNull();
        time.advanceTimeBy(Duration.ofSeconds(15).minusNanos(1));
        assertThat(b.end.get()).isNull();
        time.advanceTimeBy(Duration.ofNanos(1));
        assertThat(b.end.get()).isInstanceOf(ApiTimeoutException.class);
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void responseTimeoutFiresBeforeTheHeaders() {
        Call a = new Call(Duration.ofSeconds(5), Duration.ofSeconds(30));
        time.advanceTimeBy(Duration.ofSeconds(5).minusNanos(1));
        assertThat(a.end.get()).isNull();
        time.advanceTimeBy(Duration.ofNanos(1));
        assertThat(a.end.get()).isInstanceOf(ApiTimeoutException.class)
                .asString().contains("No response headers within 5s (responseTimeout)");
    }

    @Test
    void dataMovesTheIdleDeadline() {
        Call a = new Call(Duration.ofSeconds(60), Duration.ofSeconds(30));
        a.watch.headersArrived();
        time.advanceTimeBy(Duration.ofSeconds(20));
        a.watch.touch();
        time.advanceTimeBy(Duration.ofSeconds(20));
        assertThat(a.end.get()).isNull();
        time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(a.end.get()).isInstanceOf(ApiTimeoutException.class);
    }

    @Test
    void completedAndCancelledCallsLeaveTheDeadlinesAtOnce() {
        Call done = new Call(Duration.ofSeconds(5), Duration.ofSeconds(5));
        Call cancelled = new Call(Duration.ofSeconds(5), Duration.ofSeconds(5));
        Call open = new Call(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(deadlines.size()).isEqualTo(3);
        done.upstream.tryEmitComplete();
        cancelled.cancel();
        assertThat(deadlines.size()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(done.end.get()).isEqualTo("complete");
        assertThat(cancelled.end.get()).isNull();
        assertThat(open.end.get()).isInstanceOf(ApiTimeoutException.class);
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void manyCallsEachTimeOutExactlyWhenDue() {
        List<Call> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Call c = new Call(Duration.ofSeconds(60), Duration.ofMillis(1000 + 7L * ((i * 37) % 500)));
            c.watch.headersArrived();
            all.add(c);
        }
        for (int ms = 0; ms <= 1000 + 7 * 500; ms++) {
            for (int i = 0; i < all.size(); i++) {
                long due = 1000 + 7L * ((i * 37) % 500);
                assertThat(all.get(i).end.get() != null).as("call %d at %d ms", i, ms).isEqualTo(ms >= due);
            }
            time.advanceTimeBy(Duration.ofMillis(1));
        }
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void callsStartedAndEndedOnManyThreadsAllLeave() throws Exception {
        int threads = 4;
        int perThread = 2000;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Call> kept = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    Call c = new Call(Duration.ofSeconds(5), Duration.ofSeconds(5));
                    if (i % 100 == id) {
                        kept.add(c);
                    } else if (i % 2 == 0) {
                        c.upstream.tryEmitComplete();
                    } else {
                        c.cancel();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(30_000);
        }
        assertThat(deadlines.size()).isEqualTo(kept.size());
        time.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(kept).allSatisfy(c -> assertThat(c.end.get()).isInstanceOf(ApiTimeoutException.class));
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void aSubscriberThatAsksForNothingIsNotTimedOut() {
        Call a = new Call(Duration.ofSeconds(60), Duration.ofSeconds(10));
        a.watch.headersArrived();
        a.upstream.tryEmitNext("one");
        // Delivered the one item asked for: silence is now the subscriber's own choice.
        time.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(a.end.get()).isNull();
        a.request(1);
        time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(a.end.get()).isInstanceOf(ApiTimeoutException.class);
    }
}
