package dev.fluxllm.observe;

import dev.fluxllm.support.WireMockSupport;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.fluxllm.BadRequestException;
import dev.fluxllm.CallStats;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.util.TestLogger;
import reactor.util.Loggers;
import reactor.util.context.Context;
import tools.jackson.databind.JsonNode;

/** Listeners: the JSONL trace writer, the one-line logger and the Micrometer adapter. */
class TracingTest extends WireMockSupport {

    static final String STREAM = sse(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}") + "data: [DONE]\n\n";

    @TempDir
    Path dir;

    OpenAiCompatClient client(LlmListener... listeners) {
        OpenAiCompatClient.Builder b = OpenAiCompatClient.builder()
                .name("traced")
                .baseUrl(wm.baseUrl() + "/v1")
                .apiKey(KEY)
                .defaultModel("m")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(5)).build());
        for (LlmListener l : listeners) {
            b.listener(l);
        }
        return track(b.build());
    }

    static void stubStreamAfter503() {
        wm.stubFor(post("/v1/chat/completions").inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("x-request-id", "srv-1")
                        .withBody("{\"error\":{\"message\":\"overloaded\"}}"))
                .willSetStateTo("ok"));
        wm.stubFor(post("/v1/chat/completions").inScenario("s").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withHeader("x-request-id", "srv-2")
                        .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
    }

    List<Path> traceFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    static List<JsonNode> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> (JsonNode) Json.MAPPER.readTree(l)).toList();
    }

    @Test
    void traceFileForAFixedRequestIdHoldsEveryEventInOrderAndNoKey() throws IOException {
        stubStreamAfter503();
        JsonlTraceWriter traces = new JsonlTraceWriter(dir);
        try {
            List<String> text = client(traces).stream(ChatRequest.builder().user("Hi").build())
                    .map(ChatChunk::text)
                    .contextWrite(Context.of(LlmListener.REQUEST_ID_KEY, "order-42"))
                    .collectList().block(Duration.ofSeconds(5));
            assertThat(text).containsExactly("", "Hel", "lo");
            traces.flush().block(Duration.ofSeconds(5));
        } finally {
            traces.close();
        }

        List<Path> files = traceFiles();
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).matches("run_\\d{8}T\\d{6}\\.\\d{3}Z_order-42\\.jsonl");
        String raw = Files.readString(files.get(0));
        assertThat(raw).doesNotContain(KEY).doesNotContain("Bearer");
        List<JsonNode> events = lines(files.get(0));
        assertThat(events).extracting(e -> e.get("event").asString()).containsExactly(
                "request_start", "attempt", "response_headers", "retry_scheduled", "attempt", "response_headers",
                "chunk", "first_token", "chunk", "chunk", "complete");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("request_id").asString()).isEqualTo("order-42");
            assertThat(e.get("ts").asString()).endsWith("Z");
        });
        JsonNode start = events.get(0);
        assertThat(start.get("client").asString()).isEqualTo("traced");
        assertThat(start.get("operation").asString()).isEqualTo("chat.stream");
        assertThat(start.get("model").asString()).isEqualTo("m");
        assertThat(start.get("path").asString()).isEqualTo("/chat/completions");
        assertThat(events.get(1).get("attempt").asInt()).isEqualTo(1);
        assertThat(events.get(2).get("status").asInt()).isEqualTo(503);
        assertThat(events.get(2).get("server_request_id").asString()).isEqualTo("srv-1");
        assertThat(events.get(3).get("next_attempt").asInt()).isEqualTo(2);
        assertThat(events.get(3).get("cause").asString()).contains("ServerException").contains("overloaded");
        assertThat(events.get(4).get("attempt").asInt()).isEqualTo(2);
        assertThat(events.get(5).get("status").asInt()).isEqualTo(200);
        assertThat(events.get(5).get("server_request_id").asString()).isEqualTo("srv-2");
        assertThat(events.get(7).get("latency_ms").asDouble()).isPositive();
        assertThat(events.get(8).get("text").asString()).isEqualTo("Hel");
        JsonNode complete = events.get(10);
        assertThat(complete.get("attempts").asInt()).isEqualTo(2);
        assertThat(complete.get("status").asInt()).isEqualTo(200);
        assertThat(complete.get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(complete.get("completion_tokens").asInt()).isEqualTo(2);
        assertThat(complete.get("tokens_per_second").asDouble()).isPositive();
    }

    @Test
    void traceWithoutContextIdGetsAGeneratedIdAndErrorsAndCancelsAreWritten() throws IOException {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"bad temperature\"}}")));
        JsonlTraceWriter traces = new JsonlTraceWriter(dir, false);
        OpenAiCompatClient client = client(traces);
        try {
            StepVerifier.create(client.generate(ChatRequest.builder().user("Hi").build()))
                    .expectError(BadRequestException.class).verify(Duration.ofSeconds(5));
            wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
            StepVerifier.create(client.stream(ChatRequest.builder().user("Hi").build())
                            .contextWrite(Context.of(LlmListener.REQUEST_ID_KEY, "cancel-me")))
                    .expectNextCount(1)
                    .thenCancel()
                    .verify(Duration.ofSeconds(5));
            traces.flush().block(Duration.ofSeconds(5));
        } finally {
            traces.close();
        }
        List<Path> files = traceFiles();
        assertThat(files).hasSize(2);
        Path generated = files.stream().filter(f -> !f.toString().contains("cancel-me")).findFirst().orElseThrow();
        assertThat(generated.getFileName().toString()).matches("run_\\d{8}T\\d{6}\\.\\d{3}Z_req_[0-9a-f]{16}\\.jsonl");
        List<JsonNode> failed = lines(generated);
        assertThat(failed).extracting(e -> e.get("event").asString())
                .containsExactly("request_start", "attempt", "response_headers", "error");
        assertThat(failed.get(3).get("error_type").asString()).isEqualTo("BadRequestException");
        assertThat(failed.get(3).get("status").asInt()).isEqualTo(400);
        assertThat(failed.get(3).get("retryable").asBoolean()).isFalse();
        Path cancelled = files.stream().filter(f -> f.toString().contains("cancel-me")).findFirst().orElseThrow();
        List<JsonNode> c = lines(cancelled);
        assertThat(c.get(c.size() - 1).get("event").asString()).isEqualTo("cancel");
        assertThat(c).extracting(e -> e.get("event").asString()).doesNotContain("chunk");
        for (Path f : files) {
            assertThat(Files.readString(f)).doesNotContain(KEY);
        }
    }

    @Test
    void loggingListenerWritesOneLinePerCall() {
        TestLogger logger = new TestLogger(false);
        Loggers.useCustomLoggers(name -> logger);
        LoggingListener listener;
        try {
            listener = new LoggingListener();
        } finally {
            Loggers.resetLoggerFactory();
        }
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
        client(listener).stream(ChatRequest.builder().user("Hi").build())
                .contextWrite(Context.of(LlmListener.REQUEST_ID_KEY, "log-1"))
                .blockLast(Duration.ofSeconds(5));
        List<String> lines = logger.getOutContent().lines().filter(l -> l.contains("log-1")).toList();
        assertThat(lines).hasSize(1);
        String out = lines.get(0);
        assertThat(out).contains("[log-1] traced chat.stream model=m ok status=200 attempts=1 ttft=")
                .contains(" tokens=2 tok/s=").doesNotContain(KEY);
        assertThat(logger.getOutContent()).doesNotContain(KEY);
    }

    @Test
    void micrometerListenerRegistersLatencyThroughputAndErrorMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        stubStreamAfter503();
        OpenAiCompatClient client = client(new MicrometerListener(registry));
        client.stream(ChatRequest.builder().user("Hi").build()).blockLast(Duration.ofSeconds(5));

        assertThat(registry.get(MicrometerListener.TIME_TO_FIRST_TOKEN)
                .tags("client", "traced", "operation", "chat.stream", "model", "m").timer().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerListener.INTER_TOKEN_LATENCY).timer().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerListener.TOKENS_PER_SECOND).summary().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerListener.TOKENS).tag("type", "completion").summary().totalAmount()).isEqualTo(2);
        assertThat(registry.get(MicrometerListener.REQUESTS).tag("outcome", "success").timer().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerListener.RETRIES).counter().count()).isEqualTo(1);

        wm.resetAll();
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad\"}")));
        StepVerifier.create(client.generate(ChatRequest.builder().user("Hi").build()))
                .expectError(BadRequestException.class).verify(Duration.ofSeconds(5));
        assertThat(registry.get(MicrometerListener.ERRORS)
                .tags("error", "BadRequestException", "operation", "chat").counter().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerListener.REQUESTS).tag("outcome", "error").timer().count()).isEqualTo(1);
    }

    @Test
    void failingListenerNeverBreaksTheCall() {
        List<String> seen = new CopyOnWriteArrayList<>();
        LlmListener broken = new LlmListener() {
            @Override
            public void onRequestStart(LlmCall call) {
                throw new IllegalStateException("listener bug");
            }
        };
        LlmListener recording = new LlmListener() {
            @Override
            public void onComplete(LlmCall call, CallStats stats) {
                seen.add(call.operation() + " " + stats.status());
            }
        };
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}")));
        assertThat(client(broken, recording).generate(ChatRequest.builder().user("Hi").build())
                .block(Duration.ofSeconds(5)).text()).isEqualTo("ok");
        assertThat(seen).containsExactly("chat 200");
    }

    @Test
    void aChunkObserverTakesEveryItemOfItsStreamInPlaceOfOnChunkAndAThrowingOneBreaksNothing() {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
        List<String> observed = new CopyOnWriteArrayList<>();
        List<String> viaOnChunk = new CopyOnWriteArrayList<>();
        List<Long> gaps = new CopyOnWriteArrayList<>();
        LlmListener withObserver = new LlmListener() {
            @Override
            public void onChunk(LlmCall call, Object chunk, Duration sincePrevious) {
                viaOnChunk.add("observer's listener: " + ((ChatChunk) chunk).text());
            }

            @Override
            public ChunkObserver chunkObserver(LlmCall call) {
                return (chunk, nanos) -> {
                    observed.add(call.operation() + " " + ((ChatChunk) chunk).text());
                    gaps.add(nanos);
                };
            }
        };
        LlmListener plain = new LlmListener() {
            @Override
            public void onChunk(LlmCall call, Object chunk, Duration sincePrevious) {
                viaOnChunk.add(((ChatChunk) chunk).text());
            }
        };
        LlmListener throwing = new LlmListener() {
            @Override
            public ChunkObserver chunkObserver(LlmCall call) {
                return (chunk, nanos) -> {
                    throw new IllegalStateException("observer bug");
                };
            }
        };
        List<String> text = client(throwing, withObserver, plain).stream(ChatRequest.builder().user("Hi").build())
                .map(ChatChunk::text).collectList().block(Duration.ofSeconds(5));
        assertThat(text).containsExactly("", "Hel", "lo");
        assertThat(observed).containsExactly("chat.stream ", "chat.stream Hel", "chat.stream lo");
        assertThat(gaps).hasSize(3).allMatch(n -> n >= 0);
        assertThat(viaOnChunk).containsExactly("", "Hel", "lo");
    }

    @Test
    void noClockIsReadPerChunkWhenNoListenerUsesTheGapAndAListenerWithoutOnChunkHearsNone() {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
        List<Long> gaps = new CopyOnWriteArrayList<>();
        List<Duration> firstTokens = new CopyOnWriteArrayList<>();
        LlmListener untimed = new LlmListener() {
            @Override
            public void onFirstToken(LlmCall call, Duration latency) {
                firstTokens.add(latency);
            }

            @Override
            public ChunkObserver chunkObserver(LlmCall call) {
                return new ChunkObserver() {
                    @Override
                    public void onChunk(Object chunk, long sincePreviousNanos) {
                        gaps.add(sincePreviousNanos);
                    }

                    @Override
                    public boolean timesChunks() {
                        return false;
                    }
                };
            }
        };
        LlmListener silent = new LlmListener() { };
        assertThat(client(untimed, silent).stream(ChatRequest.builder().user("Hi").build())
                .map(ChatChunk::text).collectList().block(Duration.ofSeconds(5))).containsExactly("", "Hel", "lo");
        assertThat(gaps).containsExactly(0L, 0L, 0L);
        // The first token is still timed.
        assertThat(firstTokens).singleElement().satisfies(d -> assertThat(d).isPositive());
    }
}
