package dev.fluxllm.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.Tool;
import dev.fluxllm.tools.ToolInvocation.Status;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** Runs tool loops through the real client against a scripted server, one scenario per test. */
class ToolLoopTest {

    static final Duration VERIFY = Duration.ofSeconds(10);
    static final Tool WEATHER = Tool.function("get_weather", "Weather for a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    static final ChatRequest ASK = ChatRequest.builder().user("Weather in Paris?").build();

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.none()).build();
    final List<Map<String, Object>> weatherCalls = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    Function<Map<String, Object>, Mono<String>> weather() {
        return args -> {
            weatherCalls.add(args);
            return Mono.just("Sunny, 24 C in " + args.get("city"));
        };
    }

    ToolLoop.Builder loop() {
        return ToolLoop.builder().client(client).tool(WEATHER, weather());
    }

    static JsonNode messagesOf(RecordedRequest request) {
        return request.json().path("messages");
    }

    @Test
    void singleToolCallThenAnswer() {
        server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
        server.enqueue(Reply.text("It is sunny in Paris."));

        ToolLoopResult result = loop().build().run(ASK).block(VERIFY);

        assertThat(result.text()).isEqualTo("It is sunny in Paris.");
        assertThat(result.turns()).isEqualTo(2);
        assertThat(result.turnLimitReached()).isFalse();
        assertThat(result.invocations()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(Status.SUCCEEDED);
            assertThat(i.result()).isEqualTo("Sunny, 24 C in Paris");
        });
        assertThat(result.messages()).extracting(m -> m.role())
                .containsExactly("user", "assistant", "tool", "assistant");
        assertThat(weatherCalls).containsExactly(Map.of("city", "Paris"));
        // The first request declared the tool; the second carried the call and its result.
        RecordedRequest first = server.requests().get(0);
        assertThat(first.json().path("tools").get(0).path("function").path("name").asString()).isEqualTo("get_weather");
        JsonNode second = messagesOf(server.requests().get(1));
        assertThat(second.size()).isEqualTo(3);
        assertThat(second.get(1).path("tool_calls").get(0).path("id").asString()).isEqualTo("call_1");
        assertThat(second.get(2).path("role").asString()).isEqualTo("tool");
        assertThat(second.get(2).path("tool_call_id").asString()).isEqualTo("call_1");
        assertThat(second.get(2).path("content").asString()).isEqualTo("Sunny, 24 C in Paris");
    }

    @Test
    void parallelToolCallsRunBoundedAndAnswerInCallOrder() {
        server.enqueue(Reply.toolCall("c1", "get_weather", "{\"city\":\"Paris\"}")
                .andToolCall("c2", "get_weather", "{\"city\":\"Oslo\"}")
                .andToolCall("c3", "get_weather", "{\"city\":\"Rome\"}"));
        server.enqueue(Reply.text("Done."));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        ToolLoop loop = ToolLoop.builder().client(client).toolConcurrency(2)
                .tool(WEATHER, args -> Mono.defer(() -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    // Paris is slowest, so results finish out of call order.
                    long millis = "Paris".equals(args.get("city")) ? 150 : 30;
                    return Mono.delay(Duration.ofMillis(millis)).thenReturn("ok " + args.get("city"));
                }).doOnSuccess(s -> running.decrementAndGet()))
                .build();

        ToolLoopResult result = loop.run(ASK).block(VERIFY);

        assertThat(peak.get()).isEqualTo(2);
        assertThat(result.invocations()).extracting(i -> i.call().id()).containsExactly("c1", "c2", "c3");
        JsonNode sent = messagesOf(server.requests().get(1));
        assertThat(sent.size()).isEqualTo(5);
        assertThat(List.of(sent.get(2).path("content").asString(), sent.get(3).path("content").asString(),
                sent.get(4).path("content").asString())).containsExactly("ok Paris", "ok Oslo", "ok Rome");
    }

    @Test
    void malformedArgumentsAreNotRunAndTheModelIsAskedAgain() {
        server.enqueue(Reply.toolCall("bad", "get_weather", "{\"city\": \"Paris\""));
        server.enqueue(Reply.toolCall("good", "get_weather", "{\"city\":\"Paris\"}"));
        server.enqueue(Reply.text("Sunny."));

        ToolLoopResult result = loop().build().run(ASK).block(VERIFY);

        assertThat(result.text()).isEqualTo("Sunny.");
        assertThat(weatherCalls).containsExactly(Map.of("city", "Paris"));
        assertThat(result.invocations()).extracting(ToolInvocation::status)
                .containsExactly(Status.MALFORMED_ARGUMENTS, Status.SUCCEEDED);
        JsonNode correction = messagesOf(server.requests().get(1)).get(2);
        assertThat(correction.path("tool_call_id").asString()).isEqualTo("bad");
        assertThat(correction.path("content").asString()).contains("not a valid JSON object")
                .contains("\"required\":[\"city\"]");
    }

    @Test
    void correctionsAreBounded() {
        server.setDefault(Reply.toolCall("get_weather", "not json"));

        StepVerifier.create(loop().maxCorrections(1).build().run(ASK))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedToolCallException.class)
                        .hasMessageContaining("2 times"))
                .verify(VERIFY);
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(weatherCalls).isEmpty();
    }

    @Test
    void unknownToolIsRefusedAndNamesTheToolsThereAre() {
        server.enqueue(Reply.toolCall("x1", "get_wether", "{\"city\":\"Paris\"}")
                .andToolCall("x2", "get_weather", "{\"city\":\"Paris\"}"));
        server.enqueue(Reply.text("Sorry."));

        ToolLoopResult result = loop().build().run(ASK).block(VERIFY);

        assertThat(result.invocations()).extracting(ToolInvocation::status)
                .containsExactly(Status.UNKNOWN_TOOL, Status.NOT_RUN);
        assertThat(weatherCalls).isEmpty();
        JsonNode sent = messagesOf(server.requests().get(1));
        assertThat(sent.get(2).path("content").asString()).contains("no tool named 'get_wether'")
                .contains("Available tools: get_weather");
        assertThat(sent.get(3).path("content").asString()).startsWith("Not run");
    }

    @Test
    void turnLimitStopsTheLoopWithoutRunningTheLastCalls() {
        server.setDefault(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"));

        ToolLoopResult result = loop().maxTurns(3).build().run(ASK).block(VERIFY);

        assertThat(result.turnLimitReached()).isTrue();
        assertThat(result.turns()).isEqualTo(3);
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(weatherCalls).hasSize(2);
        assertThat(result.response().toolCalls()).hasSize(1);
    }

    @Test
    void toolErrorBecomesAToolMessage() {
        server.enqueue(Reply.toolCall("e1", "get_weather", "{\"city\":\"Paris\"}"));
        server.enqueue(Reply.text("The weather service is down."));
        ToolLoop loop = ToolLoop.builder().client(client)
                .tool(WEATHER, args -> Mono.error(new IllegalStateException("weather service down"))).build();

        ToolLoopResult result = loop.run(ASK).block(VERIFY);

        assertThat(result.invocations()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(Status.FAILED);
            assertThat(i.error()).hasMessage("weather service down");
        });
        assertThat(messagesOf(server.requests().get(1)).get(2).path("content").asString())
                .isEqualTo("Error: weather service down");
    }

    @Test
    void toolErrorEndsTheLoopWhenConfigured() {
        server.enqueue(Reply.toolCall("e1", "get_weather", "{\"city\":\"Paris\"}"));
        ToolLoop loop = ToolLoop.builder().client(client).failOnToolError(true)
                .tool(WEATHER, args -> {
                    throw new IllegalStateException("thrown by the handler");
                }).build();

        StepVerifier.create(loop.run(ASK))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ToolExecutionException.class).hasMessageContaining("get_weather")
                            .hasRootCauseMessage("thrown by the handler");
                    assertThat(((ToolExecutionException) e).call().id()).isEqualTo("e1");
                })
                .verify(VERIFY);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void streamingEmitsEventsAsTheyHappen() {
        server.enqueue(Reply.toolCall("s1", "get_weather", "{\"city\":\"Paris\"}"));
        server.enqueue(Reply.text("It is sunny in Paris."));

        List<ToolLoopEvent> events = loop().streaming(true).build().events(ASK).collectList().block(VERIFY);

        assertThat(server.requests()).allMatch(RecordedRequest::isStream);
        assertThat(events).extracting(e -> e.getClass().getSimpleName() + "@" + e.turn()).containsSubsequence(
                "ToolCallStarted@1", "ToolCallFinished@1", "TurnFinished@1", "ContentDelta@2", "TurnFinished@2",
                "Finished@2");
        String text = events.stream().filter(e -> e instanceof ToolLoopEvent.ContentDelta)
                .map(e -> ((ToolLoopEvent.ContentDelta) e).text()).reduce("", String::concat);
        assertThat(text).isEqualTo("It is sunny in Paris.");
        assertThat(events.stream().filter(e -> e instanceof ToolLoopEvent.ContentDelta).count()).isGreaterThan(1);
        ToolLoopResult result = ((ToolLoopEvent.Finished) events.get(events.size() - 1)).result();
        assertThat(result.text()).isEqualTo("It is sunny in Paris.");
        assertThat(result.invocations()).singleElement().extracting(ToolInvocation::succeeded).isEqualTo(true);
    }
}
