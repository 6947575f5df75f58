package dev.fluxllm.observe;

import dev.fluxllm.CallStats;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.CompletionChunk;
import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.Providers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records calls in a Micrometer {@link MeterRegistry} (needs {@code io.micrometer:micrometer-core}
 * on the class path; FluxLLM declares it optional). Every meter is tagged {@code client},
 * {@code operation} and {@code model} ({@code none} when the call names none):
 * <ul>
 *   <li>{@value #TIME_TO_FIRST_TOKEN} (timer): subscription to the first token of a stream;</li>
 *   <li>{@value #INTER_TOKEN_LATENCY} (timer): gap between stream items after the first token;</li>
 *   <li>{@value #TOKENS_PER_SECOND} (summary): completion tokens per second of each completed call;</li>
 *   <li>{@value #TOKENS} (summary, tag {@code type}: {@code prompt} or {@code completion}): tokens reported;</li>
 *   <li>{@value #REQUESTS} (timer, tag {@code outcome}: {@code success}, {@code error}, {@code cancel}): whole calls;</li>
 *   <li>{@value #ERRORS} (counter, tag {@code error}: the exception's simple name);</li>
 *   <li>{@value #RETRIES} (counter).</li>
 * </ul>
 *
 * <pre>{@code
 * OpenAiCompatClient client = Providers.vllm().listener(new MicrometerListener(registry)).build();
 * }</pre>
 */
public final class MicrometerListener implements LlmListener {

    /** Timer name for time to first token. */
    public static final String TIME_TO_FIRST_TOKEN = "fluxllm.time.to.first.token";
    /** Timer name for the gap between stream items after the first token. */
    public static final String INTER_TOKEN_LATENCY = "fluxllm.inter.token.latency";
    /** Distribution summary name for completion tokens per second. */
    public static final String TOKENS_PER_SECOND = "fluxllm.tokens.per.second";
    /** Distribution summary name for token counts. */
    public static final String TOKENS = "fluxllm.tokens";
    /** Timer name for whole calls. */
    public static final String REQUESTS = "fluxllm.requests";
    /** Counter name for failed calls. */
    public static final String ERRORS = "fluxllm.errors";
    /** Counter name for scheduled retries. */
    public static final String RETRIES = "fluxllm.retries";

    private final MeterRegistry registry;
    /** Each open stream's gap-timing state, from its first item to its end. */
    private final Map<LlmCall, Flow> flowing = new ConcurrentHashMap<>();

    /** Records into {@code registry}. */
    public MicrometerListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    private static Tags tags(LlmCall call) {
        return Tags.of("client", call.client(), "operation", call.operation(),
                "model", call.model() == null ? "none" : call.model());
    }

    @Override
    public void onRetryScheduled(LlmCall call, int nextAttempt, Duration delay, Throwable cause) {
        Counter.builder(RETRIES).description("Retries scheduled").tags(tags(call)).register(registry).increment();
    }

    @Override
    public void onFirstToken(LlmCall call, Duration latency) {
        Timer.builder(TIME_TO_FIRST_TOKEN).description("Time from subscription to the first streamed token")
                .tags(tags(call)).register(registry).record(latency);
        flowing.computeIfAbsent(call, Flow::new).tokenSeen = true;
    }

    @Override
    public void onChunk(LlmCall call, Object chunk, Duration sincePrevious) {
        Flow flow = flowing.get(call);
        if (flow != null) {
            flow.onChunk(chunk, sincePrevious.toNanos());
        }
    }

    /** The stream's own state takes its items: no lookup and no meter registration per chunk. */
    @Override
    public ChunkObserver chunkObserver(LlmCall call) {
        return flowing.computeIfAbsent(call, Flow::new);
    }

    /** One stream: whether its first token went by, and its gap timer once it has one. */
    private final class Flow implements ChunkObserver {
        private final LlmCall call;
        volatile boolean tokenSeen;
        private boolean pastFirstToken;
        private Timer gaps;

        Flow(LlmCall call) {
            this.call = call;
        }

        @Override
        public void onChunk(Object chunk, long sincePreviousNanos) {
            if (chunk instanceof ChatChunk c && c.text().isEmpty() && c.reasoning().isEmpty() && c.toolCalls().isEmpty()) {
                return;
            }
            if (chunk instanceof CompletionChunk c && c.text().isEmpty()) {
                return;
            }
            if (!tokenSeen) {
                return;
            }
            // The gap before the first token is time to first token, not inter-token latency.
            if (!pastFirstToken) {
                pastFirstToken = true;
                return;
            }
            Timer timer = gaps;
            if (timer == null) {
                timer = Timer.builder(INTER_TOKEN_LATENCY).description("Gap between streamed tokens")
                        .tags(tags(call)).register(registry);
                gaps = timer;
            }
            timer.record(sincePreviousNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onComplete(LlmCall call, CallStats stats) {
        request(call, stats, "success");
        if (stats.tokensPerSecond() > 0) {
            DistributionSummary.builder(TOKENS_PER_SECOND).description("Completion tokens per second")
                    .tags(tags(call)).register(registry).record(stats.tokensPerSecond());
        }
        if (stats.usage() != null) {
            tokens(call, "prompt", stats.usage().promptTokens());
            tokens(call, "completion", stats.usage().completionTokens());
        }
    }

    @Override
    public void onError(LlmCall call, Throwable error, CallStats stats) {
        request(call, stats, "error");
        Counter.builder(ERRORS).description("Failed calls").tags(tags(call))
                .tag("error", error.getClass().getSimpleName()).register(registry).increment();
    }

    @Override
    public void onCancel(LlmCall call, CallStats stats) {
        request(call, stats, "cancel");
    }

    private void request(LlmCall call, CallStats stats, String outcome) {
        flowing.remove(call);
        Timer.builder(REQUESTS).description("Calls, from subscription to the end").tags(tags(call))
                .tag("outcome", outcome).register(registry).record(stats.elapsed());
    }

    private void tokens(LlmCall call, String type, long count) {
        DistributionSummary.builder(TOKENS).description("Tokens reported by the server").baseUnit("tokens")
                .tags(tags(call)).tag("type", type).register(registry).record(count);
    }
}
