package dev.fluxllm.batch;

import static dev.fluxllm.batch.FakeEndpoint.ok;
import static dev.fluxllm.batch.FakeEndpoint.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.AuthenticationException;
import dev.fluxllm.BadRequestException;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ErrorDetails;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.ServerException;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.transport.CallObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Drives the batch engine against a fake endpoint under virtual time: limits, adaptation, order, demand, failures. */
class BatchTest {

    static final Duration VERIFY = Duration.ofSeconds(10);

    static Flux<ChatRequest> inputs(int count) {
        return Flux.range(0, count).map(FakeEndpoint::request);
    }

    static RateLimitException rateLimited(Duration retryAfter) {
        return new RateLimitException("Rate limit reached",
                new ErrorDetails(429, "rate_limit_exceeded", null, null, null, null, retryAfter, true, 1), null);
    }

    /** Runs a batch to its end under virtual time, advancing the clock by {@code within}. */
    static List<BatchResult> run(Flux<ChatRequest> inputs, FakeEndpoint fake, BatchOptions options, Duration within) {
        VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
        try {
            List<BatchResult> results = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicBoolean completed = new AtomicBoolean();
            Batch.run(inputs, fake, options).subscribe(results::add, error::set, () -> completed.set(true));
            clock.advanceTimeBy(within);
            assertThat(error.get()).isNull();
            assertThat(completed).as("batch completed within %s", within).isTrue();
            return results;
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    static void assertEachIndexOnce(Collection<BatchResult> results, int count) {
        assertThat(results).hasSize(count);
        assertThat(results.stream().map(BatchResult::index).distinct().count()).isEqualTo(count);
        assertThat(results).allSatisfy(r -> assertThat(r.index()).isBetween(0L, count - 1L));
    }

    @Test
    void requestsPerMinuteNeverExceededInAnySixtySecondWindow() {
        FakeEndpoint fake = FakeEndpoint.fixed(Duration.ofMillis(300));
        // A burst of the whole minute: the sliding window alone bounds the starts.
        BatchOptions options = BatchOptions.builder().maxConcurrency(8).requestsPerMinute(10).requestBurst(10).build();

        List<BatchResult> results = run(inputs(35), fake, options, Duration.ofMinutes(10));

        assertEachIndexOnce(results, 35);
        List<Long> starts = fake.starts.stream().sorted().toList();
        for (long t : starts) {
            long inWindow = starts.stream().filter(s -> s >= t && s < t + 60_000).count();
            assertThat(inWindow).as("starts in [%d, %d)", t, t + 60_000).isLessThanOrEqualTo(10);
        }
        // Not slower than the limit needs: 35 starts at 10 per minute begin by the fourth minute.
        assertThat(starts.get(34)).isEqualTo(180_000);
    }

    @Test
    void requestsPerMinuteIsSpreadOverTheMinuteByDefault() {
        FakeEndpoint fake = FakeEndpoint.fixed(Duration.ofMillis(300));
        BatchOptions options = BatchOptions.builder().maxConcurrency(8).requestsPerMinute(120).build();
        assertThat(options.requestBurst()).as("one second's share").isEqualTo(2);

        List<BatchResult> results = run(inputs(20), fake, options, Duration.ofMinutes(10));

        assertEachIndexOnce(results, 20);
        List<Long> starts = fake.starts.stream().sorted().toList();
        // Two at once from the rested bucket, then one every 500 ms: not the minute's 120 in its first second.
        assertThat(starts.subList(0, 4)).containsExactly(0L, 0L, 500L, 1_000L);
        assertThat(starts.get(19)).isEqualTo(9_000L);
        for (int i = 2; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).as("gap before start %d", i).isEqualTo(500L);
        }
    }

    @Test
    void sporadic429sDoNotHoldTheLimitDown() {
        // 2 % of calls get a 429 with Retry-After 0: noise, not overload.
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> i % 50 == 7 && a == 1
                ? Mono.delay(Duration.ofMillis(100)).then(Mono.error(rateLimited(Duration.ZERO)))
                : ok(i).delayElement(Duration.ofMillis(100)));
        List<BatchProgress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        BatchOptions options = BatchOptions.builder().maxConcurrency(32).onProgress(progress::add).build();

        List<BatchResult> results = run(inputs(3_000), fake, options, Duration.ofMinutes(10));

        assertEachIndexOnce(results, 3_000);
        assertThat(progress.stream().mapToInt(BatchProgress::concurrencyLimit).min().orElseThrow())
                .as("the limit never fell").isEqualTo(32);
        assertThat(progress.get(progress.size() - 1).rateLimited()).isEqualTo(60);
    }

    @Test
    void withoutToleranceEvery429ShrinksTheLimitAndItClimbsBack() {
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> i < 40 && i % 10 == 7 && a == 1
                ? Mono.delay(Duration.ofMillis(100)).then(Mono.error(rateLimited(Duration.ZERO)))
                : ok(i).delayElement(Duration.ofMillis(100)));
        List<BatchProgress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        BatchOptions options = BatchOptions.builder().maxConcurrency(32).rateLimitTolerance(0)
                .onProgress(progress::add).build();

        List<BatchResult> results = run(inputs(3_000), fake, options, Duration.ofMinutes(10));

        assertEachIndexOnce(results, 3_000);
        assertThat(progress.stream().mapToInt(BatchProgress::concurrencyLimit).min().orElseThrow()).isLessThan(32);
        assertThat(progress.get(progress.size() - 1).concurrencyLimit()).as("recovered once the 429s stopped")
                .isEqualTo(32);
    }

    @Test
    void onProgressIsToldOncePerResultAndAtTheEnd() {
        FakeEndpoint fake = FakeEndpoint.fixed(Duration.ofMillis(10));
        List<BatchProgress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<BatchResult> results = run(inputs(50), fake, BatchOptions.builder().maxConcurrency(1)
                .onProgress(progress::add).build(), Duration.ofMinutes(1));

        assertEachIndexOnce(results, 50);
        // One call at a time: each report follows exactly one new result; the last result's report is the final one.
        assertThat(progress).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(progress.get(i).done()).isEqualTo(i + 1);
            assertThat(progress.get(i).finished()).isEqualTo(i == 49);
        }
    }

    @Test
    void concurrencyNeverExceedsTheLimit() {
        Random random = new Random(7);
        long[] latencies = random.longs(300, 1, 2_000).toArray();
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> ok(i).delayElement(Duration.ofMillis(latencies[i])));

        List<BatchResult> results = run(inputs(300), fake, BatchOptions.builder().maxConcurrency(8).build(),
                Duration.ofMinutes(5));

        assertEachIndexOnce(results, 300);
        assertThat(fake.maxInFlight.get()).isEqualTo(8);
    }

    @Test
    void concurrencyShrinksOn429AndGrowsBackAfterSuccesses() {
        // The server is overloaded for the first 5 s: every call then gets a 429 asking for 1 s.
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> t < 5_000
                ? Mono.delay(Duration.ofMillis(50)).then(Mono.error(rateLimited(Duration.ofSeconds(1))))
                : ok(i).delayElement(Duration.ofMillis(100)));
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        BatchOptions options = BatchOptions.builder().maxConcurrency(16).maxRateLimitRetries(10)
                .onProgress(progress::add).build();

        List<BatchResult> results = run(inputs(600), fake, options, Duration.ofMinutes(5));

        assertEachIndexOnce(results, 600);
        assertThat(results).allMatch(BatchResult::isSuccess);
        assertThat(results).anyMatch(r -> r.attempts() > 1);
        int lowest = progress.stream().mapToInt(BatchProgress::concurrencyLimit).min().orElseThrow();
        assertThat(lowest).isLessThanOrEqualTo(2);
        assertThat(progress.get(progress.size() - 1).concurrencyLimit()).isEqualTo(16);
        assertThat(progress.get(progress.size() - 1).rateLimited()).isPositive();
        // While the limit was shrunk, fewer calls were in flight than at full speed.
        assertThat(fake.maxInFlight.get()).isLessThanOrEqualTo(16);
    }

    @Test
    void retryAfterPausesEveryStart() {
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> i == 0 && a == 1
                ? Mono.error(rateLimited(Duration.ofSeconds(30)))
                : ok(i).delayElement(Duration.ofMillis(10)));
        BatchOptions options = BatchOptions.builder().maxConcurrency(1).build();

        List<BatchResult> results = run(inputs(3), fake, options, Duration.ofMinutes(2));

        assertThat(results).extracting(BatchResult::index).containsExactly(0L, 1L, 2L);
        assertThat(results.get(0).attempts()).isEqualTo(2);
        // Input 0 is resent when the 30 s are over; inputs 1 and 2 waited for the pause too.
        assertThat(fake.starts).containsExactly(0L, 30_000L, 30_010L, 30_020L);
    }

    @Test
    void rateLimitHeadersOnSuccessPaceTheNextStarts() {
        // The first reply says no requests remain for 10 s.
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> Mono.deferContextual(ctx -> {
            CallObserver observer = CallObserver.from(ctx);
            Map<String, String> headers = i == 0
                    ? Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "10s",
                             "x-ratelimit-remaining-tokens", "5000", "x-ratelimit-reset-tokens", "6m0s")
                    : Map.of();
            observer.responseHeaders(200, headers::get);
            return ok(i);
        }).delayElement(Duration.ofMillis(100)));

        List<BatchResult> results = run(inputs(3), fake, BatchOptions.builder().maxConcurrency(1).build(),
                Duration.ofMinutes(1));

        assertEachIndexOnce(results, 3);
        assertThat(fake.starts).containsExactly(0L, 10_000L, 10_100L);
    }

    @Test
    void latestRateLimitHeadersWinWhenSeveralArriveBeforeTheNextStart() {
        // Inputs 0 and 1 run together; 0 answers first with budget left, 1 then says none remains for 10 s.
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> Mono.deferContextual(ctx -> {
            CallObserver observer = CallObserver.from(ctx);
            Map<String, String> headers = switch (i) {
                case 0 -> Map.of("x-ratelimit-remaining-requests", "50", "x-ratelimit-reset-requests", "10s");
                case 1 -> Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "10s");
                default -> Map.of();
            };
            observer.responseHeaders(200, headers::get);
            return ok(i);
        }).delaySubscription(Duration.ofMillis(i == 0 ? 100 : 200)));

        List<BatchResult> results = run(inputs(4), fake, BatchOptions.builder().maxConcurrency(2).build(),
                Duration.ofMinutes(1));

        assertEachIndexOnce(results, 4);
        // Input 2 starts when 0 is done (budget left); input 3 waits for the reset that 1 announced.
        assertThat(fake.starts).containsExactly(0L, 0L, 100L, 10_200L);
    }

    @Test
    void callsSeeTheSubscribersContextAndTheirRetriesCountBeforeTheirResult() {
        AtomicLong retriesHeard = new AtomicLong();
        List<Object> seen = new CopyOnWriteArrayList<>();
        // Each call tells the batch of one 429 retry of its own, as the client does, then succeeds.
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> Mono.deferContextual(ctx -> {
            seen.add(ctx.getOrDefault("caller", "none"));
            CallObserver.from(ctx).retryScheduled(2, Duration.ofMillis(10), rateLimited(null));
            retriesHeard.incrementAndGet();
            return ok(i);
        }));
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        BatchOptions options = BatchOptions.builder().maxConcurrency(4).adaptive(false).onProgress(progress::add).build();

        StepVerifier.create(Batch.run(inputs(20), fake, options).contextWrite(c -> c.put("caller", "job-7")))
                .expectNextCount(20)
                .verifyComplete();

        assertThat(seen).hasSize(20).containsOnly("job-7");
        assertThat(retriesHeard.get()).isEqualTo(20);
        BatchProgress last = progress.get(progress.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.rateLimited()).as("every retry counted, none taken for a stale one").isEqualTo(20);
        assertThat(last.succeeded()).isEqualTo(20);
    }

    @Test
    void tokensPerMinuteCountsEstimatesAndUsageCorrectsThem() {
        // Each request is estimated at about 300 tokens (max_tokens 290 plus the prompt).
        Flux<ChatRequest> big = Flux.range(0, 12).map(i -> FakeEndpoint.request(i).toBuilder().maxTokens(290).build());
        FakeEndpoint noUsage = FakeEndpoint.fixed(Duration.ofMillis(100));
        BatchOptions options = BatchOptions.builder().maxConcurrency(8).tokensPerMinute(1_000).build();
        run(big, noUsage, options, Duration.ofMinutes(10));
        List<Long> starts = noUsage.starts.stream().sorted().toList();
        for (long t : starts) {
            assertThat(starts.stream().filter(s -> s >= t && s < t + 60_000).count()).isLessThanOrEqualTo(3);
        }

        // Reported usage of 20 tokens frees the budget at once: all 12 start within the first minute.
        FakeEndpoint lean = new FakeEndpoint((i, a, t) -> Mono.fromSupplier(() -> FakeEndpoint.response(i,
                new Usage(10, 10, 20))).delayElement(Duration.ofMillis(100)));
        run(big, lean, options, Duration.ofMinutes(10));
        assertThat(lean.starts.stream().mapToLong(Long::longValue).max().orElseThrow()).isLessThan(60_000);
    }

    @Test
    void orderedResultsKeepInputOrderWhenCompletionsArriveOutOfOrder() {
        // Earlier inputs take longer, so completions arrive in reverse order within each wave.
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> ok(i).delayElement(Duration.ofMillis(1_000 - i)));

        List<BatchResult> ordered = run(inputs(100), fake, BatchOptions.builder().maxConcurrency(10).build(),
                Duration.ofMinutes(1));
        assertThat(ordered).extracting(BatchResult::index)
                .containsExactlyElementsOf(Flux.range(0, 100).map(Long::valueOf).collectList().block());

        List<BatchResult> unordered = run(inputs(100), new FakeEndpoint((i, a, t) ->
                        ok(i).delayElement(Duration.ofMillis(1_000 - i))),
                BatchOptions.builder().maxConcurrency(10).ordered(false).build(), Duration.ofMinutes(1));
        assertEachIndexOnce(unordered, 100);
        assertThat(unordered.get(0).index()).isEqualTo(9);
    }

    @Test
    void reorderBufferIsBoundedBehindASlowInput() {
        // Input 0 takes 60 s; the others 10 ms. At most maxBuffered inputs may be taken meanwhile.
        AtomicLong requested = new AtomicLong();
        Flux<ChatRequest> upstream = inputs(1_000).doOnRequest(requested::addAndGet);
        FakeEndpoint fake = new FakeEndpoint((i, a, t) ->
                ok(i).delayElement(Duration.ofMillis(i == 0 ? 60_000 : 10)));
        BatchOptions options = BatchOptions.builder().maxConcurrency(4).maxBuffered(8).build();

        VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
        try {
            List<BatchResult> results = new CopyOnWriteArrayList<>();
            var subscription = Batch.run(upstream, fake, options).subscribe(results::add);
            clock.advanceTimeBy(Duration.ofSeconds(59));
            assertThat(requested.get()).isEqualTo(8);
            assertThat(results).isEmpty();
            clock.advanceTimeBy(Duration.ofSeconds(1));
            assertThat(results).extracting(BatchResult::index).startsWith(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
            subscription.dispose();
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    @Test
    void upstreamIsAskedForOneInputPerFreeSlot() {
        List<Long> requests = new CopyOnWriteArrayList<>();
        AtomicLong generated = new AtomicLong();
        // A million lazily generated requests: only those with a slot are ever created.
        Flux<ChatRequest> million = Flux.<ChatRequest, Integer>generate(() -> 0, (i, sink) -> {
            generated.incrementAndGet();
            sink.next(request(i));
            if (i == 999_999) {
                sink.complete();
            }
            return i + 1;
        }).doOnRequest(requests::add);
        FakeEndpoint fake = FakeEndpoint.fixed(Duration.ofSeconds(1));
        BatchOptions options = BatchOptions.builder().maxConcurrency(4).build();

        StepVerifier.withVirtualTime(() -> Batch.run(million, fake, options), 2)
                .expectSubscription()
                .then(() -> assertThat(generated.get()).isEqualTo(4))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(2)
                // Two results went out, two wait for demand: four slots freed, four more taken.
                .then(() -> assertThat(generated.get()).isEqualTo(8))
                .thenAwait(Duration.ofSeconds(60))
                // No demand: at most maxBuffered (64) inputs are held, however long we wait.
                .then(() -> assertThat(generated.get()).isEqualTo(66))
                .thenRequest(10)
                .expectNextCount(10)
                .thenCancel()
                .verify(VERIFY);
        assertThat(requests).allMatch(n -> n == 1);
    }

    @Test
    void everyInputYieldsOneResultUnderInjectedFailures() {
        Random random = new Random(42);
        int count = 500;
        int[] kind = random.ints(count, 0, 8).toArray();
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> switch (kind[i]) {
            case 0 -> Mono.delay(Duration.ofMillis(20)).then(Mono.error(new ServerException("boom")));
            case 1 -> Mono.error(new BadRequestException("bad"));
            case 2 -> a < 3 ? Mono.error(rateLimited(null)) : ok(i);
            case 3 -> Mono.error(rateLimited(Duration.ofMillis(100)));
            case 4 -> Mono.empty();
            case 5 -> throw new IllegalStateException("thrown, not returned");
            default -> ok(i).delayElement(Duration.ofMillis(random.nextInt(50)));
        });
        BatchOptions options = BatchOptions.builder().maxConcurrency(16).maxRateLimitRetries(3)
                .rateLimitBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build();

        List<BatchResult> results = run(inputs(count), fake, options, Duration.ofMinutes(10));

        assertEachIndexOnce(results, count);
        for (BatchResult r : results) {
            int k = kind[(int) r.index()];
            assertThat(r.isSuccess()).as("result %s", r).isEqualTo(k == 2 || k >= 6);
        }
        assertThat(results).filteredOn(r -> kind[(int) r.index()] == 3)
                .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(4));
    }

    @Test
    void unauthorizedEndsTheBatchAndCancelsUpstream() {
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        Flux<ChatRequest> upstream = inputs(1_000).doOnCancel(() -> upstreamCancelled.set(true));
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> i == 5
                ? Mono.error(new AuthenticationException("Incorrect API key provided"))
                : ok(i).delayElement(Duration.ofMillis(100)));

        StepVerifier.withVirtualTime(() -> Batch.run(upstream, fake, BatchOptions.builder().maxConcurrency(4).build()))
                .thenAwait(Duration.ofSeconds(1))
                .thenConsumeWhile(r -> r.index() < 5)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(BatchAbortedException.class)
                            .hasMessageContaining("input 5").hasMessageContaining("Incorrect API key");
                    assertThat(((BatchAbortedException) e).index()).isEqualTo(5);
                    assertThat(e.getCause()).isInstanceOf(AuthenticationException.class);
                })
                .verify(VERIFY);
        assertThat(upstreamCancelled).isTrue();
        assertThat(fake.starts.size()).isLessThan(20);

        // Configured not to stop, the 401 is just one failed result.
        List<BatchResult> results = run(inputs(10), new FakeEndpoint((i, a, t) -> i == 5
                        ? Mono.error(new AuthenticationException("Incorrect API key provided")) : ok(i)),
                BatchOptions.builder().abortOn(e -> false).build(), Duration.ofSeconds(1));
        assertEachIndexOnce(results, 10);
        assertThat(results.get(5).error()).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void upstreamErrorComesAfterTheResultsOfInputsTaken() {
        Flux<ChatRequest> failing = inputs(3).concatWith(Flux.error(new IllegalStateException("source broke")));
        StepVerifier.withVirtualTime(() -> Batch.run(failing, FakeEndpoint.fixed(Duration.ofSeconds(1)),
                        BatchOptions.defaults()))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(3)
                .expectErrorMessage("source broke")
                .verify(VERIFY);
    }

    @Test
    void cancellingCancelsCallsInFlight() {
        AtomicLong cancelledCalls = new AtomicLong();
        FakeEndpoint fake = new FakeEndpoint((i, a, t) -> ok(i).delayElement(Duration.ofSeconds(10))
                .doOnCancel(cancelledCalls::incrementAndGet));
        StepVerifier.withVirtualTime(() -> Batch.run(inputs(100), fake, BatchOptions.builder().maxConcurrency(5).build()))
                .thenAwait(Duration.ofSeconds(1))
                .thenCancel()
                .verify(VERIFY);
        assertThat(cancelledCalls.get()).isEqualTo(5);
        assertThat(fake.inFlight.get()).isZero();
    }

    @Test
    void emptyUpstreamCompletesAtOnce() {
        StepVerifier.create(Batch.run(Flux.empty(), FakeEndpoint.fixed(Duration.ZERO), BatchOptions.defaults()))
                .verifyComplete();
    }
}
