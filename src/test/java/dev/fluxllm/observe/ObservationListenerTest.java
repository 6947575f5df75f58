package dev.fluxllm.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ApiTimeoutException;
import dev.fluxllm.AuthenticationException;
import dev.fluxllm.BadRequestException;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.ConnectionException;
import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.NotFoundException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.PermissionDeniedException;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.ServerException;
import dev.fluxllm.StreamErrorException;
import dev.fluxllm.responses.ResponseRequest;
import dev.fluxllm.responses.ResponseStreams;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * ObservationListener: one observation per call named and tagged per the OpenTelemetry GenAI
 * conventions, checked with Micrometer's observation test kit and with the OpenTelemetry SDK's
 * in-memory exporter through the Micrometer tracing bridge.
 */
class ObservationListenerTest {

    static final String KEY = "sk-obs-secret-9876543210";
    static final String MODEL = ScriptedLlmServer.DEFAULT_MODEL;

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    OpenAiCompatClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    OpenAiCompatClient client(ObservationListener listener) {
        return client(listener, server.baseUrl());
    }

    Duration timeout = Duration.ofSeconds(10);

    OpenAiCompatClient client(ObservationListener listener, String baseUrl) {
        client = OpenAiCompatClient.builder().baseUrl(baseUrl).apiKey(KEY).defaultModel(MODEL)
                .retryPolicy(RetryPolicy.builder().maxRetries(0).build())
                .responseTimeout(timeout).streamIdleTimeout(timeout)
                .listener(listener).build();
        return client;
    }

    /** An OTel SDK behind the Micrometer tracing bridge, exporting to memory. */
    static final class Otel implements AutoCloseable {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();
        final SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        final ObservationRegistry registry = ObservationRegistry.create();

        Otel() {
            io.opentelemetry.api.trace.Tracer otel = provider.get("test");
            OtelCurrentTraceContext current = new OtelCurrentTraceContext();
            OtelTracer tracer = new OtelTracer(otel, current, event -> { },
                    new OtelBaggageManager(current, List.of(), List.of()));
            OtelPropagator propagator = new OtelPropagator(
                    ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
            registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                    new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                    new DefaultTracingObservationHandler(tracer)));
        }

        List<SpanData> spans() {
            return exporter.getFinishedSpanItems();
        }

        @Override
        public void close() {
            provider.close();
        }
    }

    static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void aChatCallIsOneObservationWithTheConventionsKeys() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        server.enqueue(Reply.text("Bonjour le monde").usage(7, 3));
        ChatResponse r = client(ObservationListener.builder(registry).build())
                .generate(ChatRequest.builder().user("Say hi").temperature(0.2).topP(0.9).maxTokens(40).seed(7L).build())
                .block(Duration.ofSeconds(10));

        assertThat(registry).hasNumberOfObservationsEqualTo(1)
                .hasSingleObservationThat()
                .hasNameEqualTo(GenAiAttributes.OBSERVATION_NAME)
                .hasContextualNameEqualTo("chat " + MODEL)
                .hasBeenStarted().hasBeenStopped().doesNotHaveError()
                .hasLowCardinalityKeyValue("gen_ai.operation.name", "chat")
                .hasLowCardinalityKeyValue("gen_ai.provider.name", "openai")
                .hasLowCardinalityKeyValue("gen_ai.request.model", MODEL)
                .hasLowCardinalityKeyValue("gen_ai.response.model", r.model())
                .hasLowCardinalityKeyValue("server.address", "127.0.0.1")
                .hasLowCardinalityKeyValue("server.port", Integer.toString(server.port()))
                .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
                .hasHighCardinalityKeyValue("gen_ai.request.temperature", "0.2")
                .hasHighCardinalityKeyValue("gen_ai.request.top_p", "0.9")
                .hasHighCardinalityKeyValue("gen_ai.request.max_tokens", "40")
                .hasHighCardinalityKeyValue("gen_ai.request.seed", "7")
                .hasHighCardinalityKeyValue("gen_ai.response.id", r.id())
                .hasHighCardinalityKeyValue("gen_ai.response.finish_reasons", "[\"stop\"]")
                .hasHighCardinalityKeyValue("gen_ai.usage.input_tokens", "7")
                .hasHighCardinalityKeyValue("gen_ai.usage.output_tokens", "3")
                .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.input.messages")
                .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.output.messages");
        Observation.Context ctx = registry.getCurrentObservation() == null ? null : registry.getCurrentObservation().getContext();
        assertThat(ctx).isNull();
    }

    @Test
    void contentIsRecordedOnlyOnOptInAndNeverTheKey() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        List<Observation.Context> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        server.enqueue(Reply.text("Secret answer"));
        client(ObservationListener.builder(registry).captureContent(true).build())
                .generate(ChatRequest.builder().system("Be brief").user("Tell me").build()).block(Duration.ofSeconds(10));

        assertThat(registry).hasSingleObservationThat()
                .hasHighCardinalityKeyValue("gen_ai.input.messages",
                        "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Be brief\"}]},"
                                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Tell me\"}]}]")
                .hasHighCardinalityKeyValue("gen_ai.output.messages",
                        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Secret answer\"}],"
                                + "\"finish_reason\":\"stop\"}]");
        assertThat(stopped).hasSize(1);
        stopped.forEach(c -> c.getAllKeyValues()
                .forEach(kv -> assertThat(kv.getValue()).doesNotContain(KEY)));
    }

    @Test
    void aStreamIsAClientSpanUnderTheCallersObservationWithTheConventionsMetrics() {
        try (Otel otel = new Otel()) {
            server.enqueue(Reply.text("one two three four five").usage(5, 5));
            OpenAiCompatClient c = client(ObservationListener.builder(otel.registry).meterRegistry(meters).build());
            Observation parent = Observation.start("http.server.requests", otel.registry);
            String text = c.stream(ChatRequest.builder().user("Count").includeUsage(true).build())
                    .as(ChatStreams::text).collectList().map(l -> String.join("", l))
                    .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, parent))
                    .block(Duration.ofSeconds(10));
            parent.stop();
            assertThat(text).isEqualTo("one two three four five");

            List<SpanData> spans = otel.spans();
            assertThat(spans).hasSize(2);
            SpanData chat = spans.stream().filter(s -> s.getName().equals("chat " + MODEL)).findFirst().orElseThrow();
            SpanData outer = spans.stream().filter(s -> s != chat).findFirst().orElseThrow();
            assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(chat.getParentSpanId()).isEqualTo(outer.getSpanId());
            assertThat(chat.getTraceId()).isEqualTo(outer.getTraceId());
            assertThat(attr(chat, "gen_ai.operation.name")).isEqualTo("chat");
            assertThat(attr(chat, "gen_ai.request.model")).isEqualTo(MODEL);
            assertThat(attr(chat, "gen_ai.response.model")).isNotBlank();
            assertThat(attr(chat, "gen_ai.response.id")).isNotBlank();
            assertThat(attr(chat, "gen_ai.usage.input_tokens")).isEqualTo("5");
            assertThat(attr(chat, "gen_ai.usage.output_tokens")).isEqualTo("5");
            assertThat(attr(chat, "gen_ai.response.finish_reasons")).isEqualTo("[\"stop\"]");
            assertThat(chat.getAttributes().asMap().values()).noneMatch(v -> String.valueOf(v).contains(KEY));

            DistributionSummary duration = meters.get(GenAiAttributes.METRIC_OPERATION_DURATION)
                    .tag("gen_ai.operation.name", "chat").tag("gen_ai.request.model", MODEL)
                    .tag("gen_ai.provider.name", "openai").summary();
            assertThat(duration.count()).isEqualTo(1);
            assertThat(duration.getId().getBaseUnit()).isEqualTo("s");
            assertThat(buckets(duration)).containsExactlyElementsOf(GenAiAttributes.DURATION_BUCKETS);
            DistributionSummary input = meters.get(GenAiAttributes.METRIC_TOKEN_USAGE)
                    .tag("gen_ai.token.type", "input").summary();
            assertThat(input.totalAmount()).isEqualTo(5);
            assertThat(buckets(input)).containsExactlyElementsOf(GenAiAttributes.TOKEN_BUCKETS);
            assertThat(meters.get(GenAiAttributes.METRIC_TOKEN_USAGE).tag("gen_ai.token.type", "output")
                    .summary().totalAmount()).isEqualTo(5);
            DistributionSummary ttfc = meters.get(GenAiAttributes.METRIC_TIME_TO_FIRST_CHUNK).summary();
            assertThat(ttfc.count()).isEqualTo(1);
            assertThat(buckets(ttfc)).containsExactlyElementsOf(GenAiAttributes.DURATION_BUCKETS);
            DistributionSummary perChunk = meters.get(GenAiAttributes.METRIC_TIME_PER_OUTPUT_CHUNK).summary();
            // Five word deltas: four gaps after the first.
            assertThat(perChunk.count()).isEqualTo(4);
            assertThat(buckets(perChunk)).containsExactlyElementsOf(GenAiAttributes.CHUNK_BUCKETS);
        }
    }

    @Test
    void aStreamOpensNoObservationScopePerChunk() {
        // With context-propagation on the classpath, Flux.tap and Flux.handle restore the subscriber
        // context's thread locals around every signal: the caller's observation scope opened per chunk.
        assertThat(scopesOpenedFor200Words(c -> c.stream(ChatRequest.builder().user("Count").build())
                .as(ChatStreams::text))).as("chat: scopes opened for a 200-chunk stream").isLessThan(10);
        assertThat(scopesOpenedFor200Words(c -> c.stream(ResponseRequest.builder().input("Count").build())
                .as(ResponseStreams::text))).as("responses: scopes opened for a 200-chunk stream").isLessThan(10);
    }

    int scopesOpenedFor200Words(Function<OpenAiCompatClient, Flux<String>> stream) {
        AtomicInteger scopesOpened = new AtomicInteger();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onScopeOpened(Observation.Context context) {
                scopesOpened.incrementAndGet();
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            words.append(i == 0 ? "w" : " w");
        }
        server.enqueue(Reply.text(words.toString()));
        if (client != null) {
            client.close();
        }
        OpenAiCompatClient c = client(ObservationListener.builder(registry).meterRegistry(meters).build());
        Observation parent = Observation.start("http.server.requests", registry);
        Long chunks = stream.apply(c).count()
                .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, parent))
                .block(Duration.ofSeconds(10));
        parent.stop();
        assertThat(chunks).isEqualTo(200);
        return scopesOpened.get();
    }

    static List<Double> buckets(DistributionSummary s) {
        return Arrays.stream(s.takeSnapshot().histogramCounts()).map(CountAtBucket::bucket).toList();
    }

    @Test
    void aNonStreamedCallRecordsNoChunkMetrics() {
        server.enqueue(Reply.text("hi"));
        client(ObservationListener.builder(TestObservationRegistry.create()).meterRegistry(meters).build())
                .generate(ChatRequest.builder().user("x").build()).block(Duration.ofSeconds(10));
        assertThat(meters.find(GenAiAttributes.METRIC_OPERATION_DURATION).summary()).isNotNull();
        assertThat(meters.find(GenAiAttributes.METRIC_TIME_TO_FIRST_CHUNK).summary()).isNull();
        assertThat(meters.find(GenAiAttributes.METRIC_TIME_PER_OUTPUT_CHUNK).summary()).isNull();
    }

    @Test
    void aResponsesCallIsAChatObservation() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        server.enqueue(Reply.text("From responses"));
        client(ObservationListener.builder(registry).build())
                .generate(ResponseRequest.builder().input("Hi").maxOutputTokens(20).build()).block(Duration.ofSeconds(10));
        assertThat(registry).hasSingleObservationThat()
                .hasContextualNameEqualTo("chat " + MODEL)
                .hasLowCardinalityKeyValue("gen_ai.operation.name", "chat")
                .hasHighCardinalityKeyValue("gen_ai.request.max_tokens", "20")
                .hasHighCardinalityKeyValueWithKey("gen_ai.response.id");
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(Reply.error(400, "bad"), BadRequestException.class),
                Arguments.of(Reply.error(401, "who"), AuthenticationException.class),
                Arguments.of(Reply.error(403, "no"), PermissionDeniedException.class),
                Arguments.of(Reply.error(404, "none"), NotFoundException.class),
                Arguments.of(Reply.error(429, "slow down"), RateLimitException.class),
                Arguments.of(Reply.error(503, "down"), ServerException.class),
                Arguments.of(Reply.text("a b c d").errorAfter(2, "model crashed"), StreamErrorException.class),
                Arguments.of(Reply.text("a b c d").cutOffAfter(2), MalformedResponseException.class),
                Arguments.of(Reply.hang(), ApiTimeoutException.class));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aFailedCallIsAnErrorSpanWithErrorType(Reply reply, Class<? extends Throwable> type) {
        try (Otel otel = new Otel()) {
            server.enqueue(reply);
            if (type == ApiTimeoutException.class) {
                timeout = Duration.ofMillis(500);
            }
            OpenAiCompatClient c = client(ObservationListener.builder(otel.registry).meterRegistry(meters).build());
            StepVerifier.create(c.stream(ChatRequest.builder().user("x").build()))
                    .thenConsumeWhile(x -> true).expectError(type).verify(Duration.ofSeconds(15));
            assertErrorSpan(otel, type);
        }
    }

    @Test
    void aRefusedConnectionIsAnErrorSpanWithErrorType() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Otel otel = new Otel()) {
            OpenAiCompatClient c = client(ObservationListener.builder(otel.registry).meterRegistry(meters).build(),
                    "http://127.0.0.1:" + port + "/v1");
            StepVerifier.create(c.generate(ChatRequest.builder().user("x").build()))
                    .expectError(ConnectionException.class).verify(Duration.ofSeconds(15));
            assertErrorSpan(otel, ConnectionException.class);
        }
    }

    void assertErrorSpan(Otel otel, Class<? extends Throwable> type) {
        assertThat(otel.spans()).hasSize(1);
        SpanData span = otel.spans().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(span, "error.type")).isEqualTo(type.getName());
        assertThat(span.getEvents()).anyMatch(e -> e.getName().equals("exception"));
        assertThat(meters.get(GenAiAttributes.METRIC_OPERATION_DURATION).tag("error.type", type.getName())
                .summary().count()).isEqualTo(1);
    }

    @Test
    void theCurrentObservationIsTheParentWithoutAReactorContext() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        server.enqueue(Reply.text("x"));
        OpenAiCompatClient c = client(ObservationListener.builder(registry).build());
        Observation parent = Observation.start("caller", registry);
        Mono<ChatResponse> call;
        try (Observation.Scope scope = parent.openScope()) {
            call = c.generate(ChatRequest.builder().user("x").build());
            call.block(Duration.ofSeconds(10));
        }
        parent.stop();
        assertThat(registry).hasNumberOfObservationsEqualTo(2)
                .hasAnObservation(o -> o.hasNameEqualTo(GenAiAttributes.OBSERVATION_NAME)
                        .hasParentObservationEqualTo(parent));
    }

    static final dev.fluxllm.Tool WEATHER = dev.fluxllm.Tool.function("get_weather", "Weather for a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    @Test
    void aToolLoopIsAParentOfItsModelCallsAndItsTools() {
        try (Otel otel = new Otel()) {
            server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
            server.enqueue(Reply.text("Sunny in Paris."));
            OpenAiCompatClient c = client(ObservationListener.builder(otel.registry).captureContent(true).build());
            dev.fluxllm.tools.ToolLoop loop = dev.fluxllm.tools.ToolLoop.builder().client(c)
                    .tool(WEATHER, args -> Mono.just("Sunny, 24 C in " + args.get("city"))).build();
            assertThat(loop.run(ChatRequest.builder().user("Weather in Paris?").build())
                    .block(Duration.ofSeconds(10)).text()).isEqualTo("Sunny in Paris.");

            List<SpanData> spans = otel.spans();
            assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder(
                    "chat " + MODEL, "execute_tool get_weather", "chat " + MODEL, "invoke_agent " + MODEL);
            SpanData agent = spans.stream().filter(s -> s.getName().startsWith("invoke_agent")).findFirst().orElseThrow();
            assertThat(attr(agent, "gen_ai.operation.name")).isEqualTo("invoke_agent");
            assertThat(spans).filteredOn(s -> s != agent)
                    .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(agent.getSpanId()));
            SpanData tool = spans.stream().filter(s -> s.getName().startsWith("execute_tool")).findFirst().orElseThrow();
            assertThat(attr(tool, "gen_ai.operation.name")).isEqualTo("execute_tool");
            assertThat(attr(tool, "gen_ai.tool.name")).isEqualTo("get_weather");
            assertThat(attr(tool, "gen_ai.tool.call.id")).isEqualTo("call_1");
            assertThat(attr(tool, "gen_ai.tool.call.arguments")).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(attr(tool, "gen_ai.tool.call.result")).isEqualTo("Sunny, 24 C in Paris");
        }
    }

    @Test
    void aFailingToolIsAnErrorSpan() {
        try (Otel otel = new Otel()) {
            server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
            server.enqueue(Reply.text("Sorry."));
            OpenAiCompatClient c = client(ObservationListener.builder(otel.registry).build());
            dev.fluxllm.tools.ToolLoop loop = dev.fluxllm.tools.ToolLoop.builder().client(c)
                    .tool(WEATHER, args -> Mono.error(new IllegalStateException("weather down"))).build();
            loop.run(ChatRequest.builder().user("Weather?").build()).block(Duration.ofSeconds(10));
            SpanData tool = otel.spans().stream().filter(s -> s.getName().equals("execute_tool get_weather"))
                    .findFirst().orElseThrow();
            assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(attr(tool, "error.type")).isEqualTo(IllegalStateException.class.getName());
        }
    }

    @Test
    void aBatchIsOneChildPerCallUnderTheCaller() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        server.setDefault(Reply.text("ok"));
        OpenAiCompatClient c = client(ObservationListener.builder(registry).build());
        Observation parent = Observation.start("batch-job", registry);
        List<dev.fluxllm.batch.BatchResult> results = c.generateAll(reactor.core.publisher.Flux.range(0, 3)
                        .map(i -> ChatRequest.builder().user("q" + i).build()), dev.fluxllm.batch.BatchOptions.defaults())
                .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, parent))
                .collectList().block(Duration.ofSeconds(10));
        parent.stop();
        assertThat(results).hasSize(3);
        assertThat(registry).hasNumberOfObservationsWithNameEqualTo(GenAiAttributes.OBSERVATION_NAME, 3)
                .forAllObservationsWithNameEqualTo(GenAiAttributes.OBSERVATION_NAME,
                        o -> o.hasParentObservationEqualTo(parent).hasContextualNameEqualTo("chat " + MODEL));
    }

    @Test
    void operationsAndProvidersMapToTheConventionsValues() {
        assertThat(ObservationListener.operationName("chat.stream")).isEqualTo("chat");
        assertThat(ObservationListener.operationName("responses.stream")).isEqualTo("chat");
        assertThat(ObservationListener.operationName("completions")).isEqualTo("text_completion");
        assertThat(ObservationListener.operationName("embeddings")).isEqualTo("embeddings");
        assertThat(ObservationListener.operationName("tool_loop")).isEqualTo("invoke_agent");
        assertThat(ObservationListener.operationName("execute_tool")).isEqualTo("execute_tool");
        assertThat(ObservationListener.providerFor("https://api.groq.com/openai/v1")).isEqualTo("groq");
        assertThat(ObservationListener.providerFor("https://x.openai.azure.com/openai")).isEqualTo("azure.ai.openai");
        assertThat(ObservationListener.providerFor("https://api.mistral.ai/v1")).isEqualTo("mistral_ai");
        assertThat(ObservationListener.providerFor("http://127.0.0.1:8000/v1")).isEqualTo("openai");
    }

    @Test
    void chunkMetricsCanBeTurnedOffAlone() {
        server.enqueue(Reply.text("one two three").usage(2, 3));
        client(ObservationListener.builder(TestObservationRegistry.create()).meterRegistry(meters).chunkMetrics(false).build())
                .stream(ChatRequest.builder().user("x").includeUsage(true).build()).blockLast(Duration.ofSeconds(10));
        assertThat(meters.find(GenAiAttributes.METRIC_TIME_PER_OUTPUT_CHUNK).summary()).isNull();
        assertThat(meters.get(GenAiAttributes.METRIC_TIME_TO_FIRST_CHUNK).summary().count()).isEqualTo(1);
        assertThat(meters.get(GenAiAttributes.METRIC_OPERATION_DURATION).summary().count()).isEqualTo(1);
    }

    @Test
    void finishReasonsAreWrittenAsTheSameJsonArrayJacksonWrites() {
        for (List<String> reasons : List.of(List.of("stop"), List.of("stop", "length", "tool_calls"),
                List.of("content_filter"), List.of("say \"no\"", "back\\slash"), List.of("caf\u00e9", "tab\tend"),
                List.<String>of())) {
            assertThat(ObservationListener.jsonArray(reasons))
                    .as("%s", reasons).isEqualTo(dev.fluxllm.internal.json.Json.MAPPER.writeValueAsString(reasons));
        }
    }

    @Test
    void metersKeptAcrossCallsCountEveryCallAndAFailedCallGetsItsOwnErrorTypedMeter() {
        ObservationListener listener = ObservationListener.builder(ObservationRegistry.create()).meterRegistry(meters).build();
        OpenAiCompatClient c = client(listener);
        for (int i = 0; i < 3; i++) {
            server.enqueue(Reply.text("one two three four five").usage(5, 5));
            assertThat(c.stream(ChatRequest.builder().user("Count").includeUsage(true).build())
                    .as(ChatStreams::text).collectList().block(Duration.ofSeconds(10))).hasSize(5);
        }
        server.enqueue(Reply.error(400, "bad"));
        assertThat(c.stream(ChatRequest.builder().user("Count").build()).onErrorResume(e -> reactor.core.publisher.Flux.empty())
                .collectList().block(Duration.ofSeconds(10))).isEmpty();

        assertThat(meters.get(GenAiAttributes.METRIC_OPERATION_DURATION).tag("gen_ai.request.model", MODEL).summaries())
                .hasSize(2);
        assertThat(meters.get(GenAiAttributes.METRIC_OPERATION_DURATION).tag("gen_ai.request.model", MODEL)
                .tag("error.type", BadRequestException.class.getName()).summary().count()).isEqualTo(1);
        assertThat(meters.get(GenAiAttributes.METRIC_TIME_PER_OUTPUT_CHUNK).summary().count()).isEqualTo(12);
        assertThat(meters.get(GenAiAttributes.METRIC_TIME_TO_FIRST_CHUNK).summary().count()).isEqualTo(3);
        assertThat(meters.get(GenAiAttributes.METRIC_TOKEN_USAGE).tag("gen_ai.token.type", "output").summary()
                .totalAmount()).isEqualTo(15);
    }

    @Test
    void everyGapOfALongStreamIsRecordedOnceWhetherItEndsOrIsCancelled() {
        ObservationListener listener = ObservationListener.builder(ObservationRegistry.create()).meterRegistry(meters).build();
        OpenAiCompatClient c = client(listener);
        String words = String.join(" ", java.util.Collections.nCopies(100, "w"));
        server.enqueue(Reply.text(words).usage(5, 100));
        assertThat(c.stream(ChatRequest.builder().user("Count").build()).as(ChatStreams::text)
                .collectList().block(Duration.ofSeconds(10))).hasSize(100);
        // A hundred output chunks: 99 gaps after the first, recorded in batches and at the end.
        assertThat(meters.get(GenAiAttributes.METRIC_TIME_PER_OUTPUT_CHUNK).summary().count()).isEqualTo(99);

        server.enqueue(Reply.text(words).usage(5, 100));
        assertThat(c.stream(ChatRequest.builder().user("Count").build()).as(ChatStreams::text).take(50)
                .collectList().block(Duration.ofSeconds(10))).hasSize(50);
        // Cancelled after 50: their 49 gaps count too.
        assertThat(meters.get(GenAiAttributes.METRIC_TIME_PER_OUTPUT_CHUNK).summary().count()).isEqualTo(99 + 49);
    }
}
