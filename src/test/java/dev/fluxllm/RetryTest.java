package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.WarmUp;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Retries {@code generate} and {@code models} against WireMock scenarios. Delays are proven with
 * virtual time: the retry's timer is seen being scheduled, and the next request must not reach
 * the server before the timer's virtual time has passed. The HTTP exchanges themselves run on real
 * threads, so request counts are polled.
 */
class RetryTest {

    static final String PATH = "/v1/chat/completions";
    static final String OK = """
            {"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"done"},"finish_reason":"stop"}]}""";

    /** Counts requests as they arrive: WireMock journals a request only once its response is sent. */
    static final AtomicInteger RECEIVED = new AtomicInteger();

    static WireMockServer wm;
    OpenAiCompatClient client;

    @BeforeAll
    static void start() {
        wm = new WireMockServer(options().dynamicPort().extensions(new ServeEventListener() {
            @Override
            public void beforeMatch(ServeEvent event, Parameters parameters) {
                RECEIVED.incrementAndGet();
            }

            @Override
            public String getName() {
                return "request-counter";
            }
        }));
        wm.start();
        WarmUp.against(wm);
        RECEIVED.set(0);
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @AfterEach
    void reset() {
        if (client != null) {
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(3), "connections released");
            client.close();
        }
        wm.resetAll();
        RECEIVED.set(0);
    }

    OpenAiCompatClient client(RetryPolicy policy) {
        return client(wm.baseUrl(), policy);
    }

    OpenAiCompatClient client(String base, RetryPolicy policy) {
        client = OpenAiCompatClient.builder().baseUrl(base + "/v1").defaultModel("m").retryPolicy(policy).build();
        return client;
    }

    static RetryPolicy fast(int maxRetries) {
        return RetryPolicy.builder().maxRetries(maxRetries).initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(2)).build();
    }

    static Mono<ChatResponse> generate(OpenAiCompatClient c) {
        return c.generate(ChatRequest.builder().user("hi").build());
    }

    /** Answers the requests to {@code path} in order with the given responses; the last one repeats. */
    static void script(String path, ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "step" + i;
            var stub = (path.endsWith("/models") ? get(path) : post(path))
                    .inScenario("script").whenScenarioStateIs(state).willReturn(responses[i]);
            if (i + 1 < responses.length) {
                stub = stub.willSetStateTo("step" + (i + 1));
            }
            wm.stubFor(stub);
        }
    }

    static ResponseDefinitionBuilder status(int status) {
        return aResponse().withStatus(status).withBody("{\"error\":{\"message\":\"status " + status + "\"}}");
    }

    static ResponseDefinitionBuilder ok() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(OK);
    }

    static int requests() {
        return RECEIVED.get();
    }

    static void awaitRequests(int n) {
        Eventually.await(() -> requests() >= n, Duration.ofSeconds(5), n + " request(s) received");
        assertThat(requests()).isEqualTo(n);
    }

    static OpenAiCompatException failure(Mono<?> call) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(call).expectErrorSatisfies(error::set).verify(Duration.ofSeconds(10));
        assertThat(Exceptions.isRetryExhausted(error.get())).as("not Reactor's RetryExhaustedException").isFalse();
        assertThat(error.get()).isInstanceOf(OpenAiCompatException.class);
        return (OpenAiCompatException) error.get();
    }

    /** A virtual clock that also records every delay scheduled on it, so a test can wait for a retry's timer. */
    static final class RecordingClock extends VirtualTimeScheduler {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        RecordingClock() {
            super(false);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            delays.add(Duration.ofNanos(unit.toNanos(delay)));
            return super.schedule(task, delay, unit);
        }

        /** Retry delays: the client's response-timeout timers are minutes long and left out. */
        List<Duration> retryDelays() {
            return delays.stream().filter(d -> d.compareTo(Duration.ofMinutes(1)) < 0).toList();
        }

        void awaitRetryDelays(int n) {
            Eventually.await(() -> retryDelays().size() >= n, Duration.ofSeconds(5), n + " retry delay(s) scheduled");
        }
    }

    /**
     * Proves that after one failure the retry waits exactly {@code expected} of virtual time: the
     * second request is not sent a millisecond earlier, and is sent once the time has passed.
     */
    void assertRetryWaits(Duration expected) {
        RecordingClock clock = new RecordingClock();
        StepVerifier.withVirtualTime(() -> generate(client), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> clock.awaitRetryDelays(1))
                .then(() -> {
                    assertThat(clock.retryDelays()).containsExactly(expected);
                    awaitRequests(1);
                })
                .thenAwait(expected.minusMillis(1))
                .then(() -> assertThat(requests()).as("no request before the delay passed").isEqualTo(1))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> awaitRequests(2))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void retryAfterSecondsOn429DelaysTheRetry() {
        client(fast(2));
        script(PATH, status(429).withHeader("Retry-After", "2"), ok());
        assertRetryWaits(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterOn503DelaysTheRetry() {
        client(fast(2));
        script(PATH, status(503).withHeader("Retry-After", "1"), ok());
        assertRetryWaits(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        client(fast(2));
        script(PATH, status(429).withHeader("retry-after-ms", "1500").withHeader("Retry-After", "60"), ok());
        assertRetryWaits(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterIsCappedByMaxRetryAfter() {
        client(RetryPolicy.builder().maxRetries(1).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
                .maxRetryAfter(Duration.ofMillis(300)).build());
        script(PATH, status(429).withHeader("Retry-After", "3600"), ok());
        assertRetryWaits(Duration.ofMillis(300));
    }

    @Test
    void retryAfterAsHttpDate() {
        client(fast(1));
        String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(4));
        script(PATH, status(429).withHeader("Retry-After", at), ok());
        RecordingClock clock = new RecordingClock();
        StepVerifier.withVirtualTime(() -> generate(client), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> clock.awaitRetryDelays(1))
                .then(() -> {
                    // Second granularity, and real time passes while the first exchange runs.
                    assertThat(clock.retryDelays().get(0)).isBetween(Duration.ofMillis(2000), Duration.ofSeconds(4));
                    awaitRequests(1);
                })
                .thenAwait(Duration.ofMillis(1900))
                .then(() -> assertThat(requests()).isEqualTo(1))
                .thenAwait(Duration.ofSeconds(3))
                .then(() -> awaitRequests(2))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void backoffWithoutRetryAfterIsExponential() {
        client(RetryPolicy.builder().maxRetries(3).initialBackoff(Duration.ofMillis(200))
                .maxBackoff(Duration.ofMillis(300)).jitter(false).build());
        script(PATH, status(500), status(502), status(504), ok());
        RecordingClock clock = new RecordingClock();
        StepVerifier.withVirtualTime(() -> generate(client), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> clock.awaitRetryDelays(1))
                .thenAwait(Duration.ofMillis(200))
                .then(() -> clock.awaitRetryDelays(2))
                .then(() -> awaitRequests(2))
                .thenAwait(Duration.ofMillis(299))
                .then(() -> assertThat(requests()).isEqualTo(2))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> clock.awaitRetryDelays(3))
                .thenAwait(Duration.ofMillis(300))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertThat(clock.retryDelays()).containsExactly(Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMillis(300));
        assertThat(requests()).isEqualTo(4);
    }

    @Test
    void status503ThenSuccess() {
        script(PATH, status(503), ok());
        StepVerifier.create(generate(client(fast(2))))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void status500Twice200WithTwoRetriesSucceeds() {
        script(PATH, status(500), status(500), ok());
        StepVerifier.create(generate(client(fast(2))))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void retryableStatuses408And409AreRetried() {
        script(PATH, status(408), status(409), ok());
        StepVerifier.create(generate(client(fast(2))))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(3);
    }

    @ParameterizedTest(name = "status {0} is sent once")
    @ValueSource(ints = {400, 401, 403, 404, 422})
    void clientErrorsAreNeverRetried(int status) {
        script(PATH, status(status).withHeader("Retry-After", "0"), ok());
        OpenAiCompatException e = failure(generate(client(fast(3))));
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e).isInstanceOfAny(BadRequestException.class, AuthenticationException.class,
                PermissionDeniedException.class, NotFoundException.class);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.getMessage()).doesNotContain("attempts");
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesDeliverTheLastTypedException() {
        script(PATH, status(500), status(502), aResponse().withStatus(503).withHeader("x-request-id", "req_last")
                .withBody("{\"error\":{\"message\":\"third time\"}}"));
        OpenAiCompatException e = failure(generate(client(fast(2))));

        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.requestId()).isEqualTo("req_last");
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.getMessage()).contains("third time").endsWith("(after 3 attempts)");
        assertThat(e.getMessage()).containsOnlyOnce("after 3 attempts");
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void exhaustedRateLimitKeepsItsType() {
        script(PATH, status(429));
        OpenAiCompatException e = failure(generate(client(fast(1))));
        assertThat(e).isExactlyInstanceOf(RateLimitException.class);
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.getMessage()).contains("after 2 attempts");
    }

    @Test
    void retryableThenNonRetryableStopsAndCountsAttempts() {
        script(PATH, status(503), status(400), ok());
        OpenAiCompatException e = failure(generate(client(fast(3))));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.getMessage()).contains("after 2 attempts");
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void shouldRetryFalseOn500PreventsRetry() {
        script(PATH, status(500).withHeader("x-should-retry", "false"), ok());
        OpenAiCompatException e = failure(generate(client(fast(3))));
        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void shouldRetryTrueOn400Retries() {
        script(PATH, status(400).withHeader("x-should-retry", "true"), ok());
        StepVerifier.create(generate(client(fast(1))))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void connectionRefusedIsRetriedThenConnectionException() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        OpenAiCompatException e = failure(generate(client("http://127.0.0.1:" + port, fast(2))));
        assertThat(e).isExactlyInstanceOf(ConnectionException.class);
        assertThat(e.statusCode()).isZero();
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.getMessage()).contains("refused").contains("after 3 attempts");
    }

    @Test
    void responseTimeoutIsRetriedThenApiTimeoutException() {
        wm.stubFor(post(PATH).willReturn(ok().withFixedDelay(1_500)));
        client = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").defaultModel("m")
                .responseTimeout(Duration.ofMillis(300)).retryPolicy(fast(1)).build();
        OpenAiCompatException e = failure(generate(client));
        assertThat(e).isExactlyInstanceOf(ApiTimeoutException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.getMessage()).contains("responseTimeout").contains("after 2 attempts");
        awaitRequests(2);
    }

    @Test
    void responseTimeoutThenSuccess() {
        script(PATH, ok().withFixedDelay(1_500), ok());
        client = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").defaultModel("m")
                .responseTimeout(Duration.ofMillis(300)).retryPolicy(fast(1)).build();
        StepVerifier.create(generate(client))
                .assertNext(r -> assertThat(r.text()).isEqualTo("done"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void noneSendsOnce() {
        script(PATH, status(503), ok());
        OpenAiCompatException e = failure(generate(client(RetryPolicy.none())));
        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.getMessage()).doesNotContain("attempts");
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void modelsIsRetriedToo() {
        script("/v1/models", status(503), aResponse().withStatus(200).withBody("{\"data\":[{\"id\":\"m1\"}]}"));
        StepVerifier.create(client(fast(2)).models())
                .expectNext(List.of(new ModelInfo("m1", "", 0)))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void eachSubscriptionRetriesAfresh() {
        script(PATH, status(503), status(503), ok());
        Mono<ChatResponse> call = generate(client(fast(0)));
        assertThat(failure(call).attempts()).isEqualTo(1);
        assertThat(failure(call).attempts()).isEqualTo(1);
        StepVerifier.create(call).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(requests()).isEqualTo(3);
    }
}
