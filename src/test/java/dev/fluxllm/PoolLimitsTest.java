package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Checks that a full pool fails calls clearly and in bounded time, never a silent wait forever. */
class PoolLimitsTest {

    static final AtomicInteger received = new AtomicInteger();
    static LocalServer hanging;

    @BeforeAll
    static void start() {
        hanging = LocalServer.start((req, res) -> {
            received.incrementAndGet();
            return Mono.never();
        });
    }

    @AfterAll
    static void stop() {
        hanging.close();
    }

    static ChatRequest request() {
        return ChatRequest.builder().user("hi").build();
    }

    static OpenAiCompatClient.Builder builder() {
        return OpenAiCompatClient.builder().baseUrl(hanging.baseUrl()).defaultModel("m").retryPolicy(RetryPolicy.none())
                .maxConnections(1).responseTimeout(Duration.ofSeconds(20));
    }

    @Test
    void pendingQueueFullFailsAtOnce() {
        try (OpenAiCompatClient client = builder().name("pool-full").pendingAcquireMaxCount(1).build()) {
            int before = received.get();
            Disposable first = client.generate(request()).subscribe(r -> { }, e -> { });
            Eventually.await(() -> received.get() == before + 1, Duration.ofSeconds(10), "first call reached the server");
            Disposable second = client.stream(request()).subscribe(r -> { }, e -> { });
            long start = System.nanoTime();
            StepVerifier.create(client.generate(request()))
                    .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ConnectionException.class)
                            .hasMessageContaining("pendingAcquireMaxCount"))
                    .verify(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            StepVerifier.create(client.stream(request()))
                    .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ConnectionException.class)
                            .hasMessageContaining("pendingAcquireMaxCount"))
                    .verify(Duration.ofSeconds(5));
            assertThat(client.activeConnections()).isEqualTo(1);
            first.dispose();
            // The waiting call gets the freed connection; cancelling it frees that too.
            Eventually.await(() -> received.get() == before + 2, Duration.ofSeconds(10), "second call reached the server");
            second.dispose();
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        }
    }

    @Test
    void pendingAcquireTimeoutIsApiTimeout() {
        try (OpenAiCompatClient client = builder().name("pool-timeout")
                .pendingAcquireTimeout(Duration.ofMillis(300)).build()) {
            int before = received.get();
            Disposable first = client.stream(request()).subscribe(r -> { }, e -> { });
            Eventually.await(() -> received.get() == before + 1, Duration.ofSeconds(10), "first call reached the server");
            StepVerifier.create(client.generate(request()))
                    .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ApiTimeoutException.class)
                            .hasMessageContaining("pendingAcquireTimeout"))
                    .verify(Duration.ofSeconds(5));
            StepVerifier.create(client.stream(request()))
                    .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(ApiTimeoutException.class)
                            .hasMessageContaining("pendingAcquireTimeout"))
                    .verify(Duration.ofSeconds(5));
            first.dispose();
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        }
    }

    @Test
    void aCallWaitingForAConnectionFromAnEventLoopTimesOutOnThatLoop() throws Exception {
        // A batch starts its next call from a reply's completion, on an event loop: the wait is
        // timed on that loop, not on a Schedulers.parallel() worker it would wake.
        io.netty.util.concurrent.DefaultEventExecutor loop = new io.netty.util.concurrent.DefaultEventExecutor();
        try (OpenAiCompatClient client = builder().name("pool-timeout-loop")
                .pendingAcquireTimeout(Duration.ofMillis(300)).build()) {
            int before = received.get();
            Disposable first = client.stream(request()).subscribe(r -> { }, e -> { });
            Eventually.await(() -> received.get() == before + 1, Duration.ofSeconds(10), "first call reached the server");
            java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Boolean> onLoop = new java.util.concurrent.CompletableFuture<>();
            loop.execute(() -> client.generate(request()).subscribe(r -> failure.complete(null), e -> {
                onLoop.complete(loop.inEventLoop());
                failure.complete(e);
            }));
            assertThat(failure.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isExactlyInstanceOf(ApiTimeoutException.class).hasMessageContaining("pendingAcquireTimeout");
            assertThat(onLoop.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("timed out on the loop it started from").isTrue();
            first.dispose();
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        } finally {
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void defaultsAreSane() {
        assertThat(OpenAiCompatClient.DEFAULT_MAX_CONNECTIONS).isEqualTo(500);
        assertThat(OpenAiCompatClient.DEFAULT_PENDING_ACQUIRE_MAX_COUNT).isEqualTo(10_000);
        assertThat(OpenAiCompatClient.DEFAULT_PENDING_ACQUIRE_TIMEOUT).isEqualTo(Duration.ofSeconds(45));
        assertThat(OpenAiCompatClient.DEFAULT_PENDING_ACQUIRE_TIMEOUT)
                .isLessThan(OpenAiCompatClient.DEFAULT_RESPONSE_TIMEOUT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().pendingAcquireMaxCount(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pendingAcquireMaxCount");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().pendingAcquireTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pendingAcquireTimeout");
    }
}
