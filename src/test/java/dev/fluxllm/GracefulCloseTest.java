package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import dev.fluxllm.batch.BatchAbortedException;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** {@code closeGracefully(deadline)}: no new calls, calls in flight finish or end at the deadline, pool freed. */
class GracefulCloseTest {

    static final Duration BOUND = Duration.ofSeconds(10);
    static final ChatRequest ASK = ChatRequest.builder().user("hi").build();

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.none()).build();

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void callsInFlightFinishNewOnesAreRefusedAndThePoolIsFreed() {
        server.enqueue(Reply.text("one two three four five six").delay(Duration.ofMillis(40)));
        server.enqueue(Reply.text("whole answer").delay(Duration.ofMillis(200)));
        Mono<List<String>> stream = client.stream(ASK).as(ChatStreams::text).collectList().cache();
        Mono<ChatResponse> generate = client.generate(ASK).cache();
        // One at a time: the server hands out replies in arrival order.
        stream.subscribe();
        server.awaitRequests(1, BOUND);
        generate.subscribe();
        server.awaitRequests(2, BOUND);

        Mono<Void> closing = client.closeGracefully(Duration.ofSeconds(5)).cache();
        closing.subscribe();

        StepVerifier.create(client.generate(ASK))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ConnectionException.class)
                        .hasMessageContaining("closing").hasMessageContaining("no new calls"))
                .verify(BOUND);
        assertThat(stream.block(BOUND)).containsExactly("one", " two", " three", " four", " five", " six");
        assertThat(generate.block(BOUND).text()).isEqualTo("whole answer");
        StepVerifier.create(closing).expectComplete().verify(BOUND);
        assertThat(client.activeConnections()).isZero();
        assertThat(server.requestCount()).as("the refused call was never sent").isEqualTo(2);
    }

    @Test
    void callsStillRunningAtTheDeadlineEndAsClosed() {
        server.enqueue(Reply.text("a b c d e f g h i j k l m n o p").delay(Duration.ofMillis(100)));
        Mono<List<String>> stream = client.stream(ASK).as(ChatStreams::text).collectList().cache();
        stream.subscribe(v -> { }, e -> { });
        server.awaitRequests(1, BOUND);

        StepVerifier.create(client.closeGracefully(Duration.ofMillis(300))).expectComplete().verify(BOUND);

        StepVerifier.create(stream)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ConnectionException.class)
                        .hasMessageContaining("client was closed"))
                .verify(BOUND);
        server.awaitCancelledStreams(1, BOUND);
        assertThat(client.activeConnections()).isZero();
    }

    @Test
    void aBatchStopsTakingInputsAndReportsWhatFinishedAndWhatDidNot() throws InterruptedException {
        server.setDefault(Reply.text("done here").delay(Duration.ofMillis(100)));
        AtomicLong pulled = new AtomicLong();
        Flux<ChatRequest> inputs = Flux.range(0, 1000).map(i -> ChatRequest.builder().user("q" + i).build())
                .doOnNext(r -> pulled.incrementAndGet());
        List<BatchResult> results = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> end = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        client.generateAll(inputs, BatchOptions.builder().maxConcurrency(4).build())
                .subscribe(results::add, e -> {
                    end.set(e);
                    ended.countDown();
                }, ended::countDown);
        server.awaitRequests(4, BOUND);

        StepVerifier.create(client.closeGracefully(Duration.ofSeconds(5))).expectComplete().verify(BOUND);
        assertThat(ended.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("the batch ended").isTrue();

        assertThat(end.get()).isInstanceOf(BatchAbortedException.class)
                .hasCauseInstanceOf(ClientClosedException.class).hasMessageContaining("closing");
        assertThat(results).as("one result for every input taken").hasSize((int) pulled.get());
        assertThat(results.stream().filter(BatchResult::isSuccess).count())
                .as("the calls in flight finished").isEqualTo(server.requestCount());
        assertThat(results.stream().filter(r -> !r.isSuccess()))
                .allSatisfy(r -> assertThat(r.error()).isInstanceOf(ClientClosedException.class));
        assertThat(pulled.get()).as("inputs stopped being pulled").isLessThan(20);
    }

    @Test
    void withNothingInFlightItClosesAtOnce() {
        StepVerifier.create(client.closeGracefully(Duration.ofMinutes(1))).expectComplete().verify(Duration.ofSeconds(2));
        StepVerifier.create(client.generate(ASK)).expectError(ConnectionException.class).verify(BOUND);
    }
}
