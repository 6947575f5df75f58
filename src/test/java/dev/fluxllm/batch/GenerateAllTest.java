package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.AuthenticationException;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Runs {@code generateAll} through the real client against a scripted server: 429s, headers, 401. */
class GenerateAllTest {

    ScriptedLlmServer server = ScriptedLlmServer.start();
    OpenAiCompatClient client;

    @AfterEach
    void close() {
        if (client != null) {
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
            client.close();
        }
        server.close();
    }

    OpenAiCompatClient client(RetryPolicy retryPolicy) {
        client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                .retryPolicy(retryPolicy).build();
        return client;
    }

    static Flux<ChatRequest> prompts(int count) {
        return Flux.range(0, count).map(i -> ChatRequest.builder().user("prompt " + i).build());
    }

    @Test
    void generateAllResendsAfter429AndReturnsEveryResultInOrder() {
        server.enqueue(Reply.error(429, "Rate limit reached").header("retry-after-ms", "30"));
        server.enqueue(Reply.error(429, "Rate limit reached").header("retry-after-ms", "30"));
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();

        List<BatchResult> results = client(RetryPolicy.none())
                .generateAll(prompts(20), BatchOptions.builder().maxConcurrency(4).onProgress(progress::add).build())
                .collectList().block(Duration.ofSeconds(10));

        assertThat(results).extracting(BatchResult::index).containsExactlyElementsOf(
                Flux.range(0, 20).map(Long::valueOf).collectList().block());
        assertThat(results).allMatch(BatchResult::isSuccess);
        assertThat(results).allSatisfy(r -> assertThat(r.response().text()).contains("prompt " + r.index()));
        assertThat(results.stream().mapToInt(BatchResult::attempts).sum()).isEqualTo(22);
        assertThat(server.requestCount()).isEqualTo(22);
        BatchProgress last = progress.get(progress.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.succeeded()).isEqualTo(20);
        assertThat(last.rateLimited()).isEqualTo(2);
    }

    @Test
    void retriesInsideTheClientAreSeenByTheBatch() {
        server.enqueue(Reply.error(429, "Rate limit reached").header("retry-after-ms", "10"));
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        RetryPolicy retries = RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(20)).build();

        List<BatchResult> results = client(retries)
                .generateAll(prompts(1), BatchOptions.builder().onProgress(progress::add).build())
                .collectList().block(Duration.ofSeconds(10));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.isSuccess()).isTrue();
            assertThat(r.attempts()).isEqualTo(2);
        });
        assertThat(progress.get(progress.size() - 1).rateLimited()).isEqualTo(1);
    }

    @Test
    void successHeadersPauseTheBatchUntilTheBudgetResets() {
        server.enqueue(Reply.text("first").header("x-ratelimit-remaining-requests", "0")
                .header("x-ratelimit-reset-requests", "300ms"));
        long start = System.nanoTime();

        List<BatchResult> results = client(RetryPolicy.none())
                .generateAll(prompts(2), BatchOptions.builder().maxConcurrency(1).build())
                .collectList().block(Duration.ofSeconds(10));

        assertThat(results).hasSize(2).allMatch(BatchResult::isSuccess);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void unauthorizedEndsTheBatch() {
        server.setDefault(Reply.error(401, "invalid_api_key", "Incorrect API key provided"));

        StepVerifier.create(client(RetryPolicy.defaults())
                        .generateAll(prompts(1_000), BatchOptions.builder().maxConcurrency(2).build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BatchAbortedException.class)
                        .hasMessageContaining("Incorrect API key provided")
                        .hasCauseInstanceOf(AuthenticationException.class))
                .verify(Duration.ofSeconds(10));
        assertThat(server.requestCount()).isLessThanOrEqualTo(2);
    }
}
