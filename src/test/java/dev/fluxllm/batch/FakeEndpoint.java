package dev.fluxllm.batch;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Stands in for a server in virtual-time batch tests: each call takes the latency the script
 * gives for its input, counts calls in flight, and records when each call started. The input's
 * index travels in the request's {@code user} field.
 */
final class FakeEndpoint implements Function<ChatRequest, Mono<ChatResponse>> {

    /** Decides one call: the index, the attempt for that index (from 1), and the start time. */
    interface Script {
        Mono<ChatResponse> answer(int index, int attempt, long startMillis);
    }

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<Long> starts = new CopyOnWriteArrayList<>();
    final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Script script;

    FakeEndpoint(Script script) {
        this.script = script;
    }

    /** Answers every call after {@code latency}. */
    static FakeEndpoint fixed(Duration latency) {
        return new FakeEndpoint((i, a, t) -> ok(i).delayElement(latency));
    }

    static ChatRequest request(int index) {
        return ChatRequest.builder().user("prompt " + index).endUser(Integer.toString(index)).maxTokens(16).build();
    }

    static int indexOf(ChatRequest request) {
        return Integer.parseInt(request.user());
    }

    static Mono<ChatResponse> ok(int index) {
        return Mono.fromSupplier(() -> response(index, null));
    }

    static ChatResponse response(int index, Usage usage) {
        return new ChatResponse("id-" + index, "fake", 0,
                List.of(new ChatChoice(0, "answer " + index, "", List.of(), "stop", "")), usage);
    }

    static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    @Override
    public Mono<ChatResponse> apply(ChatRequest request) {
        return Mono.defer(() -> {
            int index = indexOf(request);
            int attempt = attempts.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
            long now = now();
            starts.add(now);
            int current = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(current, Math::max);
            // Counted out before the outcome reaches the batch, as a server's response leaves it.
            AtomicBoolean out = new AtomicBoolean();
            Runnable leave = () -> {
                if (out.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                }
            };
            return script.answer(index, attempt, now)
                    .doOnSuccess(r -> leave.run())
                    .doOnError(e -> leave.run())
                    .doOnCancel(leave);
        });
    }
}
