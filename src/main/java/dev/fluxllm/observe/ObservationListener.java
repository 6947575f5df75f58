package dev.fluxllm.observe;

import static dev.fluxllm.observe.GenAiAttributes.*;

import dev.fluxllm.CallStats;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.CompletionChoice;
import dev.fluxllm.CompletionChunk;
import dev.fluxllm.CompletionRequest;
import dev.fluxllm.CompletionResponse;
import dev.fluxllm.EmbeddingRequest;
import dev.fluxllm.EmbeddingResponse;
import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.ToolCall;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.responses.Response;
import dev.fluxllm.responses.ResponseEvent;
import dev.fluxllm.responses.ResponseRequest;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Makes one Micrometer {@link Observation} per call, named and tagged as the OpenTelemetry GenAI
 * semantic conventions say, and records the conventions' client metrics (needs
 * {@code io.micrometer:micrometer-observation}, and {@code micrometer-core} for the metrics; both
 * optional dependencies of FluxLLM).
 *
 * <ul>
 *   <li>Observation {@value GenAiAttributes#OBSERVATION_NAME}, contextual (span) name
 *       {@code {gen_ai.operation.name} {gen_ai.request.model}}, kind {@code CLIENT}. A tool loop
 *       built with a client is {@code invoke_agent {model}}, the parent of one child per model call
 *       and one {@code execute_tool {gen_ai.tool.name}} per tool it runs. Its parent is the observation in the
 *       subscriber's Reactor {@code Context} under {@link ObservationThreadLocalAccessor#KEY}
 *       (what {@code contextCapture()} and Spring WebFlux put there), else the registry's current one.</li>
 *   <li>Low-cardinality keys: {@code gen_ai.operation.name}, {@code gen_ai.provider.name},
 *       {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code server.address},
 *       {@code server.port}, {@code error.type}; high-cardinality keys: the request parameters,
 *       {@code gen_ai.response.id}, {@code gen_ai.response.finish_reasons},
 *       {@code gen_ai.usage.input_tokens}, {@code gen_ai.usage.output_tokens}, the request id.</li>
 *   <li>With a {@link MeterRegistry}: {@value GenAiAttributes#METRIC_OPERATION_DURATION} (s),
 *       {@value GenAiAttributes#METRIC_TOKEN_USAGE} ({@code {token}}, by {@code gen_ai.token.type}),
 *       and for streams {@value GenAiAttributes#METRIC_TIME_TO_FIRST_CHUNK} and
 *       {@value GenAiAttributes#METRIC_TIME_PER_OUTPUT_CHUNK} (s), with the conventions' buckets.</li>
 *   <li>Message content ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}, tool
 *       arguments and results) only with {@link Builder#captureContent(boolean)}; the API key and
 *       request headers never (no listener sees them).</li>
 * </ul>
 *
 * <pre>{@code
 * OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(url)
 *     .listener(ObservationListener.builder(observationRegistry).meterRegistry(meterRegistry).build())
 *     .build();
 * }</pre>
 */
public final class ObservationListener implements LlmListener {

    private final ObservationRegistry registry;
    private final MeterRegistry meters;
    private final String providerName;
    private final boolean captureContent;
    private final boolean chunkMetrics;
    private final Map<CallKey, CallObservation> calls = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<ShapeKey, Shape> shapes = new ConcurrentHashMap<>();
    private final Map<MeterKey, DistributionSummary> summaries = new ConcurrentHashMap<>();

    private ObservationListener(Builder b) {
        this.registry = b.registry;
        this.meters = b.meters;
        this.providerName = b.providerName;
        this.captureContent = b.captureContent;
        this.chunkMetrics = b.chunkMetrics;
    }

    /** Observes into {@code registry}, without metrics and without content. */
    public ObservationListener(ObservationRegistry registry) {
        this(builder(registry));
    }

    /** Starts a listener for {@code registry}. */
    public static Builder builder(ObservationRegistry registry) {
        return new Builder(registry);
    }

    /** Maps a call's FluxLLM operation to the conventions' {@code gen_ai.operation.name}. */
    public static String operationName(String operation) {
        return switch (operation) {
            case "chat", "chat.stream", "responses", "responses.stream" -> "chat";
            case "completions", "completions.stream" -> "text_completion";
            case "tool_loop" -> "invoke_agent";
            default -> operation;
        };
    }

    /**
     * Guesses {@code gen_ai.provider.name} from a base URL: the conventions' names for the hosted
     * services FluxLLM knows, else {@code openai} (the API flavour every backend here speaks).
     */
    public static String providerFor(String baseUrl) {
        String host = host(baseUrl);
        if (host == null) {
            return "openai";
        }
        if (host.endsWith(".openai.azure.com")) {
            return "azure.ai.openai";
        }
        if (host.endsWith("groq.com")) {
            return "groq";
        }
        if (host.endsWith("deepseek.com")) {
            return "deepseek";
        }
        if (host.endsWith("mistral.ai")) {
            return "mistral_ai";
        }
        if (host.endsWith("perplexity.ai")) {
            return "perplexity";
        }
        if (host.endsWith("x.ai")) {
            return "x_ai";
        }
        return "openai";
    }

    private static String host(String baseUrl) {
        try {
            return baseUrl == null ? null : URI.create(baseUrl).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int port(String baseUrl) {
        try {
            URI uri = URI.create(baseUrl);
            if (uri.getPort() > 0) {
                return uri.getPort();
            }
            return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
    }

    /** Hears tool loops too: the loop is the parent of its model calls and of its tools. */
    @Override
    public boolean observesToolLoops() {
        return true;
    }

    @Override
    public void onRequestStart(LlmCall call, Object request, ContextView context) {
        String operation = operationName(call.operation());
        String baseUrl = call.baseUrl() == null ? "" : call.baseUrl();
        Endpoint endpoint = endpoints.get(baseUrl);
        if (endpoint == null) {
            endpoint = endpoints.computeIfAbsent(baseUrl, Endpoint::of);
        }
        String provider = providerName != null ? providerName : endpoint.provider;
        GenAiContext ctx = new GenAiContext();
        Observation obs = Observation.createNotStarted(OBSERVATION_NAME, () -> ctx, registry);
        Object parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        if (parent instanceof Observation p) {
            obs.parentObservation(p);
        } else if (registry.getCurrentObservation() != null) {
            obs.parentObservation(registry.getCurrentObservation());
        }
        ToolCall tool = request instanceof ToolCall t ? t : null;
        Shape shape = shape(endpoint, operation, provider, tool == null ? call.model() : null, tool == null ? null : tool.name());
        if (tool != null) {
            obs.highCardinalityKeyValue(TOOL_TYPE, "function");
            if (tool.id() != null) {
                obs.highCardinalityKeyValue(TOOL_CALL_ID, tool.id());
            }
            if (captureContent) {
                obs.highCardinalityKeyValue(TOOL_CALL_ARGUMENTS, tool.arguments());
            }
        }
        obs.contextualName(shape.spanName);
        obs.lowCardinalityKeyValues(shape.keyValues);
        obs.highCardinalityKeyValue(FLUXLLM_REQUEST_ID, call.requestId());
        obs.highCardinalityKeyValue(FLUXLLM_CLIENT, call.client());
        requestParameters(obs, request);
        if (endpoint.address != null) {
            ctx.setRemoteServiceAddress(endpoint.address);
        }
        CallObservation state = new CallObservation(obs, shape.low, call.operation().endsWith(".stream"));
        state.embeddings = "embeddings".equals(operation);
        state.captureText = captureContent && !(request instanceof ToolCall);
        calls.put(new CallKey(call), state);
        obs.start();
    }

    private void requestParameters(Observation obs, Object request) {
        if (request instanceof ChatRequest r) {
            put(obs, REQUEST_TEMPERATURE, r.temperature());
            put(obs, REQUEST_TOP_P, r.topP());
            put(obs, REQUEST_MAX_TOKENS, r.maxTokens() != null ? r.maxTokens() : r.maxCompletionTokens());
            put(obs, REQUEST_FREQUENCY_PENALTY, r.frequencyPenalty());
            put(obs, REQUEST_PRESENCE_PENALTY, r.presencePenalty());
            put(obs, REQUEST_SEED, r.seed());
            if (r.n() != null && r.n() != 1) {
                put(obs, REQUEST_CHOICE_COUNT, r.n());
            }
            if (r.stop() != null && !r.stop().isEmpty()) {
                obs.highCardinalityKeyValue(REQUEST_STOP_SEQUENCES, Json.MAPPER.writeValueAsString(r.stop()));
            }
            if (captureContent) {
                obs.highCardinalityKeyValue(INPUT_MESSAGES, Json.MAPPER.writeValueAsString(messages(r.messages())));
            }
        } else if (request instanceof CompletionRequest r) {
            put(obs, REQUEST_TEMPERATURE, r.temperature());
            put(obs, REQUEST_TOP_P, r.topP());
            put(obs, REQUEST_MAX_TOKENS, r.maxTokens());
            put(obs, REQUEST_SEED, r.seed());
        } else if (request instanceof ResponseRequest r) {
            put(obs, REQUEST_TEMPERATURE, r.temperature());
            put(obs, REQUEST_TOP_P, r.topP());
            put(obs, REQUEST_MAX_TOKENS, r.maxOutputTokens());
            if (r.previousResponseId() != null) {
                obs.highCardinalityKeyValue(CONVERSATION_ID, r.previousResponseId());
            }
            if (captureContent && r.instructions() != null) {
                obs.highCardinalityKeyValue(SYSTEM_INSTRUCTIONS, r.instructions());
            }
            if (captureContent && r.inputText() != null) {
                obs.highCardinalityKeyValue(INPUT_MESSAGES, Json.MAPPER.writeValueAsString(
                        List.of(message("user", r.inputText()))));
            }
        } else if (request instanceof EmbeddingRequest r) {
            if (r.dimensions() != null) {
                obs.highCardinalityKeyValue("gen_ai.embeddings.dimension.count", r.dimensions().toString());
            }
        }
    }

    private static void put(Observation obs, String key, Object value) {
        if (value != null) {
            obs.highCardinalityKeyValue(key, value.toString());
        }
    }

    private static List<Map<String, Object>> messages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> msg = message(m.role(), m.text());
            if (!m.toolCalls().isEmpty()) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> parts = (List<Map<String, Object>>) msg.get("parts");
                for (ToolCall t : m.toolCalls()) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("type", "tool_call");
                    p.put("id", t.id());
                    p.put("name", t.name());
                    p.put("arguments", t.arguments());
                    parts.add(p);
                }
            }
            if (m.toolCallId() != null) {
                msg.put("tool_call_id", m.toolCallId());
            }
            out.add(msg);
        }
        return out;
    }

    private static Map<String, Object> message(String role, String text) {
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("role", role);
        List<Map<String, Object>> parts = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("type", "text");
            p.put("content", text);
            parts.add(p);
        }
        msg.put("parts", parts);
        return msg;
    }

    @Override
    public Context decorateContext(LlmCall call, Context context) {
        CallObservation state = calls.get(new CallKey(call));
        return state == null ? context : context.put(ObservationThreadLocalAccessor.KEY, state.observation);
    }

    @Override
    public void onFirstToken(LlmCall call, Duration latency) {
        CallObservation state = calls.get(new CallKey(call));
        if (state == null) {
            return;
        }
        state.firstTokenSeen = true;
        if (meters != null && state.stream) {
            summary(METRIC_TIME_TO_FIRST_CHUNK, state, null, null).record(latency.toNanos() / 1e9);
        }
    }

    @Override
    public void onChunk(LlmCall call, Object chunk, Duration sincePrevious) {
        CallObservation state = calls.get(new CallKey(call));
        if (state != null) {
            state.onChunk(chunk, sincePrevious.toNanos());
        }
    }

    /** The call's own state takes its chunks: no lookup per chunk. */
    @Override
    public ChunkObserver chunkObserver(LlmCall call) {
        return calls.get(new CallKey(call));
    }

    private void chunk(CallObservation state, Object chunk, long sincePreviousNanos) {
        boolean output;
        if (chunk instanceof ChatChunk c) {
            output = state.chat(c);
        } else if (chunk instanceof CompletionChunk c) {
            output = state.completion(c);
        } else if (chunk instanceof ResponseEvent e) {
            output = state.responseEvent(e);
        } else {
            output = false;
        }
        if (!output || !state.firstTokenSeen) {
            return;
        }
        if (!state.pastFirstOutput) {
            // The first output chunk's gap is time to first chunk, recorded above.
            state.pastFirstOutput = true;
            return;
        }
        if (meters != null && chunkMetrics) {
            state.gap(sincePreviousNanos);
        }
    }

    @Override
    public void onResponse(LlmCall call, Object response) {
        CallObservation state = calls.get(new CallKey(call));
        if (state == null) {
            return;
        }
        if (response instanceof ChatResponse r) {
            state.responseId = r.id();
            state.responseModel = r.model();
            r.choices().forEach(c -> state.addFinishReason(c.finishReason()));
            if (state.captureText) {
                state.text.append(r.text());
            }
        } else if (response instanceof CompletionResponse r) {
            state.responseId = r.id();
            state.responseModel = r.model();
            r.choices().forEach(c -> state.addFinishReason(c.finishReason()));
            if (state.captureText) {
                state.text.append(r.text());
            }
        } else if (response instanceof EmbeddingResponse r) {
            state.responseModel = r.model();
        } else if (response instanceof Response r) {
            state.response(r);
        } else if (captureContent && state.observation.getContext().getLowCardinalityKeyValue(TOOL_NAME) != null) {
            state.observation.highCardinalityKeyValue(TOOL_CALL_RESULT, String.valueOf(response));
        }
    }

    @Override
    public void onComplete(LlmCall call, CallStats stats) {
        CallObservation state = calls.remove(new CallKey(call));
        if (state != null) {
            end(state, stats, null);
        }
    }

    @Override
    public void onError(LlmCall call, Throwable error, CallStats stats) {
        CallObservation state = calls.remove(new CallKey(call));
        if (state != null) {
            state.observation.error(error);
            end(state, stats, error.getClass().getName());
        }
    }

    @Override
    public void onCancel(LlmCall call, CallStats stats) {
        CallObservation state = calls.remove(new CallKey(call));
        if (state != null) {
            state.observation.highCardinalityKeyValue("fluxllm.cancelled", "true");
            end(state, stats, null);
        }
    }

    private void end(CallObservation state, CallStats stats, String errorType) {
        Observation obs = state.observation;
        if (state.responseModel != null) {
            obs.lowCardinalityKeyValue(RESPONSE_MODEL, state.responseModel);
        }
        if (errorType != null) {
            obs.lowCardinalityKeyValue(ERROR_TYPE, errorType);
        }
        if (state.responseId != null) {
            obs.highCardinalityKeyValue(RESPONSE_ID, state.responseId);
        }
        if (!state.finishReasons.isEmpty()) {
            obs.highCardinalityKeyValue(RESPONSE_FINISH_REASONS, jsonArray(state.finishReasons));
        }
        Usage usage = stats.usage();
        if (usage != null) {
            obs.highCardinalityKeyValue(USAGE_INPUT_TOKENS, Long.toString(usage.promptTokens()));
            if (!state.embeddings) {
                obs.highCardinalityKeyValue(USAGE_OUTPUT_TOKENS, Long.toString(usage.completionTokens()));
            }
        }
        if (state.captureText && errorType == null) {
            Map<String, Object> out = message("assistant", state.text.toString());
            if (!state.finishReasons.isEmpty()) {
                out.put("finish_reason", state.finishReasons.iterator().next());
            }
            obs.highCardinalityKeyValue(OUTPUT_MESSAGES, Json.MAPPER.writeValueAsString(List.of(out)));
        }
        obs.stop();
        if (meters != null) {
            summary(METRIC_OPERATION_DURATION, state, errorType, null).record(stats.elapsed().toNanos() / 1e9);
            if (usage != null) {
                summary(METRIC_TOKEN_USAGE, state, errorType, "input").record(usage.promptTokens());
                if (!state.embeddings) {
                    summary(METRIC_TOKEN_USAGE, state, errorType, "output").record(usage.completionTokens());
                }
            }
        }
    }

    /**
     * The call's meter of {@code name}, registered on first use of its tags and kept: building
     * and looking up five meters per call (tags sorted, ids hashed, configs merged) cost more than
     * a short stream's chunks. A meter removed from the registry by hand is not seen again.
     */
    private DistributionSummary summary(String name, CallObservation state, String errorType, String tokenType) {
        MeterKey key = new MeterKey(name, state.low, state.responseModel, errorType, tokenType);
        DistributionSummary summary = summaries.get(key);
        if (summary == null) {
            summary = summaries.computeIfAbsent(key, k -> register(k, state.tags(errorType)));
        }
        return summary;
    }

    private DistributionSummary register(MeterKey key, Tags tags) {
        DistributionSummary.Builder b = DistributionSummary.builder(key.name());
        switch (key.name()) {
            case METRIC_TIME_TO_FIRST_CHUNK -> b.baseUnit("s").description("Time to receive the first chunk of a streamed answer")
                    .serviceLevelObjectives(DURATION_SLOS);
            // Recorded once per chunk: one time window instead of three rings halves the atomic
            // updates per record; only the windowed max's decay is coarser.
            case METRIC_TIME_PER_OUTPUT_CHUNK -> b.baseUnit("s").description("Time between output chunks of a streamed answer")
                    .serviceLevelObjectives(CHUNK_SLOS).distributionStatisticBufferLength(1);
            case METRIC_OPERATION_DURATION -> b.baseUnit("s").description("GenAI operation duration")
                    .serviceLevelObjectives(DURATION_SLOS);
            default -> {
                b.baseUnit("{token}").description("Number of input and output tokens used").serviceLevelObjectives(TOKEN_SLOS);
                tags = tags.and(TOKEN_TYPE, key.tokenType());
            }
        }
        return b.tags(tags).register(meters);
    }

    /** A meter's name and everything its tags are made of. */
    private record MeterKey(String name, List<KeyValue> low, String responseModel, String errorType, String tokenType) {
    }

    /** A JSON array of strings; plain ASCII words (every finish reason seen) without a serializer. */
    static String jsonArray(Collection<String> values) {
        StringBuilder out = new StringBuilder(2 + 12 * values.size()).append('[');
        for (String v : values) {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                    return Json.MAPPER.writeValueAsString(values);
                }
            }
            out.append(out.length() == 1 ? "\"" : ",\"").append(v).append('"');
        }
        return out.append(']').toString();
    }

    private static final double[] DURATION_SLOS = slo(DURATION_BUCKETS);
    private static final double[] CHUNK_SLOS = slo(CHUNK_BUCKETS);
    private static final double[] TOKEN_SLOS = slo(TOKEN_BUCKETS);

    private static double[] slo(List<Double> buckets) {
        double[] out = new double[buckets.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = buckets.get(i);
        }
        return out;
    }

    /**
     * The low-cardinality key values and span name of every call to one model (or tool) at one
     * endpoint, made once: the same list then keys the call's meters, so finding them compares
     * one reference instead of six key values.
     */
    private Shape shape(Endpoint endpoint, String operation, String provider, String model, String toolName) {
        ShapeKey key = new ShapeKey(endpoint, operation, provider, model, toolName);
        Shape shape = shapes.get(key);
        return shape != null ? shape : shapes.computeIfAbsent(key, Shape::of);
    }

    private record ShapeKey(Endpoint endpoint, String operation, String provider, String model, String toolName) {
    }

    private record Shape(String spanName, List<KeyValue> low, KeyValues keyValues) {
        static Shape of(ShapeKey k) {
            List<KeyValue> low = new ArrayList<>(6);
            low.add(KeyValue.of(OPERATION_NAME, k.operation()));
            low.add(KeyValue.of(PROVIDER_NAME, k.provider()));
            String spanName;
            if (k.toolName() != null) {
                spanName = k.operation() + " " + k.toolName();
                low.add(KeyValue.of(TOOL_NAME, k.toolName()));
            } else {
                spanName = k.model() == null ? k.operation() : k.operation() + " " + k.model();
                if (k.model() != null) {
                    low.add(KeyValue.of(REQUEST_MODEL, k.model()));
                }
                if (k.endpoint().host() != null) {
                    low.add(KeyValue.of(SERVER_ADDRESS, k.endpoint().host()));
                    if (k.endpoint().port() > 0) {
                        low.add(KeyValue.of(SERVER_PORT, Integer.toString(k.endpoint().port())));
                    }
                }
            }
            return new Shape(spanName, List.copyOf(low), KeyValues.of(low));
        }
    }

    /** What a base URL gives every call's observation, worked out once per base URL. */
    private record Endpoint(String host, int port, String provider, String address) {
        static Endpoint of(String baseUrl) {
            String host = baseUrl.isEmpty() ? null : ObservationListener.host(baseUrl);
            int port = baseUrl.isEmpty() ? -1 : ObservationListener.port(baseUrl);
            String address = host == null ? null : host + (port > 0 ? ":" + port : "");
            return new Endpoint(host, port, providerFor(baseUrl.isEmpty() ? null : baseUrl), address);
        }
    }

    /** The observation's context: a client span (kind CLIENT) whose carrier is not used. */
    static final class GenAiContext extends SenderContext<Map<String, String>> {
        GenAiContext() {
            super((carrier, key, value) -> { }, Kind.CLIENT);
            setCarrier(new LinkedHashMap<>());
        }
    }

    /** A call's identity: the same {@link LlmCall} instance reaches every callback of one call. */
    private static final class CallKey {
        private final LlmCall call;

        CallKey(LlmCall call) {
            this.call = call;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CallKey k && k.call == call;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(call);
        }
    }

    /** What one call has shown so far. Reactor delivers one call's signals one at a time. */
    private final class CallObservation implements ChunkObserver {
        final Observation observation;
        final List<KeyValue> low;
        final boolean stream;
        final Set<String> finishReasons = new LinkedHashSet<>(2);
        final StringBuilder text = new StringBuilder();
        volatile boolean captureText;
        volatile boolean embeddings;
        volatile String responseId;
        volatile String responseModel;
        volatile boolean firstTokenSeen;
        volatile boolean pastFirstOutput;
        private DistributionSummary perChunk;

        CallObservation(Observation observation, List<KeyValue> low, boolean stream) {
            this.observation = observation;
            this.low = low;
            this.stream = stream;
        }

        @Override
        public void onChunk(Object chunk, long sincePreviousNanos) {
            chunk(this, chunk, sincePreviousNanos);
        }

        @Override
        public boolean timesChunks() {
            return meters != null && chunkMetrics;
        }

        /** Records one gap between output chunks. */
        void gap(long nanos) {
            DistributionSummary summary = perChunk;
            if (summary == null) {
                summary = summary(METRIC_TIME_PER_OUTPUT_CHUNK, this, null, null);
                perChunk = summary;
            }
            summary.record(nanos / 1e9);
        }

        Tags tags(String errorType) {
            Tags t = Tags.empty();
            for (KeyValue kv : low) {
                t = t.and(kv.getKey(), kv.getValue());
            }
            if (responseModel != null) {
                t = t.and(RESPONSE_MODEL, responseModel);
            }
            if (errorType != null) {
                t = t.and(ERROR_TYPE, errorType);
            }
            return t;
        }

        void addFinishReason(String reason) {
            if (reason != null) {
                finishReasons.add(reason);
            }
        }

        boolean chat(ChatChunk c) {
            if (responseId == null && c.id() != null) {
                responseId = c.id();
            }
            if (responseModel == null && c.model() != null) {
                responseModel = c.model();
            }
            boolean output = false;
            List<ChunkChoice> choices = c.choices();
            for (int i = 0; i < choices.size(); i++) {
                ChunkChoice choice = choices.get(i);
                addFinishReason(choice.finishReason());
                if (!choice.content().isEmpty() || !choice.reasoning().isEmpty() || !choice.toolCalls().isEmpty()) {
                    output = true;
                    if (captureText && i == 0) {
                        text.append(choice.content());
                    }
                }
            }
            return output;
        }

        boolean completion(CompletionChunk c) {
            if (responseId == null && c.id() != null) {
                responseId = c.id();
            }
            if (responseModel == null && c.model() != null) {
                responseModel = c.model();
            }
            List<CompletionChoice> choices = c.choices();
            for (int i = 0; i < choices.size(); i++) {
                addFinishReason(choices.get(i).finishReason());
            }
            if (captureText) {
                text.append(c.text());
            }
            return !c.text().isEmpty();
        }

        boolean responseEvent(ResponseEvent e) {
            if (e instanceof ResponseEvent.Completed c) {
                response(c.response());
            } else if (e instanceof ResponseEvent.Incomplete i) {
                response(i.response());
            } else if (e instanceof ResponseEvent.Created c && c.response() != null) {
                responseId = c.response().id();
            } else if (e instanceof ResponseEvent.OutputTextDelta d) {
                if (captureText) {
                    text.append(d.delta());
                }
                return true;
            }
            return e instanceof ResponseEvent.FunctionCallArgumentsDelta || e instanceof ResponseEvent.RefusalDelta
                    || e instanceof ResponseEvent.ReasoningSummaryTextDelta || e instanceof ResponseEvent.ReasoningTextDelta;
        }

        void response(Response r) {
            if (r == null) {
                return;
            }
            responseId = r.id();
            responseModel = r.model();
            String reason = r.incompleteReason() != null ? r.incompleteReason()
                    : r.status() == null ? null : r.status().toLowerCase(Locale.ROOT);
            addFinishReason(reason);
            if (captureText && stream) {
                return;
            }
            if (captureText) {
                text.append(r.outputText());
            }
        }
    }

    /** Builds an {@link ObservationListener}. */
    public static final class Builder {
        private final ObservationRegistry registry;
        private MeterRegistry meters;
        private String providerName;
        private boolean captureContent;
        private boolean chunkMetrics = true;

        private Builder(ObservationRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Records the conventions' client metrics in {@code registry} (default: none). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = registry;
            return this;
        }

        /** Sets {@code gen_ai.provider.name} (default: guessed from the base URL, see {@link #providerFor}). */
        public Builder providerName(String name) {
            this.providerName = name;
            return this;
        }

        /**
         * Records message content: the request's messages, the answer, tool arguments and results
         * (default false: they may hold personal data). Never the API key.
         */
        public Builder captureContent(boolean capture) {
            this.captureContent = capture;
            return this;
        }

        /**
         * Records {@code gen_ai.client.operation.time_per_output_chunk} (default true). It is the
         * only per-chunk metric: one histogram record per chunk, whose CPU cost is the meter
         * registry's (see the README's Performance section); off, streams cost per chunk what
         * spans alone do.
         */
        public Builder chunkMetrics(boolean chunkMetrics) {
            this.chunkMetrics = chunkMetrics;
            return this;
        }

        /** Builds the listener. */
        public ObservationListener build() {
            return new ObservationListener(this);
        }
    }
}
