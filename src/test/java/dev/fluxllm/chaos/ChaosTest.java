package dev.fluxllm.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.Tool;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchResult;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.FaultProxy;
import dev.fluxllm.support.FaultProxy.Fault;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import dev.fluxllm.HttpVersion;
import dev.fluxllm.tools.ToolLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Thousands of calls at once (streams, generates, a batch, tool loops) through a TCP proxy that
 * injects mixed faults (resets before and during bodies, cuts, half-closes, stalls, trickles)
 * in front of a server that answers some requests with 429 and 503 bursts. Every call must end
 * exactly once, with the exact answer or a typed exception; a stream that failed has delivered a
 * prefix of its answer, never a token twice; the batch has one result per input; afterwards no
 * connection is in use (and {@code SuiteGuards} finds no leaked buffer).
 *
 * <p>Short by default; {@code -Dchaos.calls=N -Dchaos.rounds=R} make it longer, {@code -Dchaos.seed=S}
 * replays a run. The seed and the fault mix are printed.
 */
class ChaosTest {

    static final int CALLS = Integer.getInteger("chaos.calls", 2000);
    static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);
    static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
    static final Map<Fault, Integer> MIX = new EnumMap<>(Map.of(Fault.NONE, 70, Fault.RESET_BEFORE_RESPONSE, 4,
            Fault.RESET_MID_BODY, 6, Fault.TRUNCATE, 5, Fault.HALF_CLOSE, 4, Fault.STALL, 3, Fault.TRICKLE, 8));
    /** Over HTTP/2 a handful of connections carry every call: faults must be likelier to happen at all. */
    static final Map<Fault, Integer> H2_MIX = new EnumMap<>(Map.of(Fault.NONE, 20, Fault.RESET_BEFORE_RESPONSE, 10,
            Fault.RESET_MID_BODY, 25, Fault.TRUNCATE, 20, Fault.HALF_CLOSE, 10, Fault.STALL, 5, Fault.TRICKLE, 10));

    /** The exact answer the server gives to prompt {@code q<id>}: numbered words, so a repeat shows. */
    static String answer(String id) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            b.append(i == 1 ? "" : " ").append("a").append(id).append('-').append(i);
        }
        return b.toString();
    }

    static String idOf(RecordedRequest r) {
        return r.lastUserMessage().substring(1);
    }

    /** Answers each prompt exactly; some requests get a 429 or 503 burst; tool-loop prompts call a tool first. */
    static Reply script(RecordedRequest r, AtomicLong served) {
        long n = served.incrementAndGet();
        if (n % 97 < 4) {
            return Reply.error(429, "Rate limit reached").header("retry-after-ms", "10");
        }
        if (n % 89 < 2) {
            return Reply.error(503, "Overloaded").header("Retry-After", "0");
        }
        String id = idOf(r);
        if (id.startsWith("t")) {
            boolean hasToolResult = false;
            for (var m : r.json().path("messages")) {
                hasToolResult |= "tool".equals(m.path("role").asString(""));
            }
            return hasToolResult ? Reply.text(answer(id)) : Reply.toolCall("lookup", "{\"key\":\"" + id + "\"}");
        }
        return Reply.text(answer(id)).delay(Duration.ofMillis(n % 3));
    }

    /** One call's ending: counted, so a second terminal signal is caught. */
    static final class Outcome {
        final AtomicInteger terminals = new AtomicInteger();
        volatile String text;
        volatile Throwable error;
        final StringBuffer streamed = new StringBuffer();
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void mixedFaultsUnderLoadEndEveryCallExactlyOnceAndCorrectly() throws Exception {
        run(HttpVersion.HTTP_1_1, CALLS, MIX);
    }

    /** Over h2c a fault on the one connection hits every stream it carries at once. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void overHttp2TheSameInvariantsHold() throws Exception {
        run(HttpVersion.HTTP_2, Math.max(8, CALLS / 2), H2_MIX);
    }

    private void run(HttpVersion version, int calls, Map<Fault, Integer> mix) throws Exception {
        System.out.println("ChaosTest " + version + " seed=" + SEED + " calls=" + calls + " rounds=" + ROUNDS + " mix=" + mix
                + " (replay with -Dchaos.seed=" + SEED + ")");
        AtomicLong served = new AtomicLong();
        try (ScriptedLlmServer server = version == HttpVersion.HTTP_2 ? ScriptedLlmServer.builder().http2().start()
                : ScriptedLlmServer.start();
             FaultProxy proxy = FaultProxy.start(server.port(), SEED, mix);
             OpenAiCompatClient client = OpenAiCompatClient.builder()
                     .baseUrl("http://127.0.0.1:" + proxy.port() + "/v1").defaultModel("m")
                     .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(5))
                             .maxBackoff(Duration.ofMillis(50)).build())
                     .responseTimeout(Duration.ofSeconds(10)).streamIdleTimeout(Duration.ofSeconds(3))
                     .maxConnections(256).httpVersion(version).build()) {
            server.setDefault(Reply.from(r -> script(r, served)));
            for (int round = 0; round < ROUNDS; round++) {
                runRound(client, round, new Random(SEED + round), calls);
            }
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(10), "connections released");
            System.out.println("ChaosTest faults injected: " + proxy.counts() + ", requests served: " + served.get());
            assertThat(proxy.counts().entrySet().stream().filter(e -> e.getKey() != Fault.NONE)
                    .mapToLong(Map.Entry::getValue).sum()).as("faults were injected").isPositive();
        }
    }

    private void runRound(OpenAiCompatClient client, int round, Random random, int calls) throws InterruptedException {
        int batchSize = calls / 8;
        int singles = calls - batchSize;
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(singles + 1);
        ToolLoop loop = ToolLoop.builder().client(client)
                .tool(Tool.function("lookup", "Looks a key up", "{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"}}}"),
                        args -> Mono.just("value of " + args.get("key")))
                .build();
        for (int i = 0; i < singles; i++) {
            int kind = random.nextInt(100);
            String id = (kind < 10 ? "t" : "") + round + "x" + i;
            ChatRequest request = ChatRequest.builder().user("q" + id).build();
            Outcome o = new Outcome();
            outcomes.put(id, o);
            Mono<String> call;
            if (kind < 10) {
                call = loop.run(request).map(r -> r.text());
            } else if (kind < 45) {
                call = client.generate(request).map(r -> r.text());
            } else {
                Flux<String> tokens = client.stream(request).as(ChatStreams::text).doOnNext(o.streamed::append);
                if (kind > 90) {
                    // Slow subscribers: one chunk at a time, a pause after each.
                    tokens = tokens.limitRate(1).delayElements(Duration.ofMillis(3));
                }
                call = tokens.then(Mono.fromCallable(o.streamed::toString));
            }
            call.subscribe(text -> o.text = text, e -> {
                o.error = e;
                o.terminals.incrementAndGet();
                done.countDown();
            }, () -> {
                o.terminals.incrementAndGet();
                done.countDown();
            });
        }
        List<BatchResult> results = new ArrayList<>();
        AtomicInteger batchTerminals = new AtomicInteger();
        Flux<ChatRequest> inputs = Flux.range(0, batchSize).map(i -> ChatRequest.builder().user("q" + round + "b" + i).build());
        client.generateAll(inputs, BatchOptions.builder().maxConcurrency(64).build())
                .subscribe(results::add, e -> {
                    batchTerminals.incrementAndGet();
                    done.countDown();
                }, () -> {
                    batchTerminals.incrementAndGet();
                    done.countDown();
                });

        assertThat(done.await(180, TimeUnit.SECONDS)).as("every call ended within the bound (seed %d); open: %s",
                SEED, done.getCount()).isTrue();

        int ok = 0;
        int failed = 0;
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            String expected = answer(e.getKey());
            assertThat(o.terminals.get()).as("call %s ended exactly once (seed %d)", e.getKey(), SEED).isEqualTo(1);
            if (o.error == null) {
                assertThat(o.text).as("call %s answered exactly (seed %d)", e.getKey(), SEED).isEqualTo(expected);
                ok++;
            } else {
                assertThat(o.error).as("call %s failed with a typed exception (seed %d)", e.getKey(), SEED)
                        .isInstanceOf(OpenAiCompatException.class);
                assertThat(expected).as("what stream %s delivered before failing is a prefix of its answer, no token twice (seed %d)",
                        e.getKey(), SEED).startsWith(o.streamed.toString());
                String msg = String.valueOf(o.error.getMessage());
                kinds.merge(o.error.getClass().getSimpleName() + ": " + msg.substring(0, Math.min(50, msg.length())), 1, Integer::sum);
                failed++;
            }
        }
        assertThat(batchTerminals.get()).as("the batch ended exactly once").isEqualTo(1);
        assertThat(results).as("one result per input").hasSize(batchSize);
        assertThat(results.stream().map(BatchResult::index).distinct().count()).isEqualTo(batchSize);
        int batchOk = 0;
        for (BatchResult r : results) {
            if (r.isSuccess()) {
                assertThat(r.response().text()).isEqualTo(answer(round + "b" + r.index()));
                batchOk++;
            } else {
                assertThat(r.error()).isInstanceOf(OpenAiCompatException.class);
            }
        }
        System.out.println("ChaosTest round " + round + ": " + ok + " calls exact, " + failed + " typed failures; batch "
                + batchOk + "/" + batchSize + " exact; failures: " + kinds);
        // Not an invariant, a guard against a vacuous run: on a loaded 2-core machine stalls turn into
        // timeouts more often (a half threshold failed once at 411 of 874), so a quarter is the floor.
        assertThat(ok).as("many calls still succeed (retries absorb the faults)").isGreaterThan(singles / 4);
    }
}
