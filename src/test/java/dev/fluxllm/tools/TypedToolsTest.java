package dev.fluxllm.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import dev.fluxllm.tools.ToolInvocation.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Tools whose arguments are Java types: schema from the type, validation before the handler, JSON results. */
class TypedToolsTest {

    static final Duration VERIFY = Duration.ofSeconds(10);
    static final ChatRequest ASK = ChatRequest.builder().user("Weather in Paris?").build();

    enum Unit { CELSIUS, FAHRENHEIT }

    record WeatherQuery(@JsonPropertyDescription("City name") String city, Unit unit, Integer days) {
    }

    record Forecast(String city, double temperature, Unit unit) {
    }

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.none()).build();
    final List<WeatherQuery> queries = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    ToolLoop loop() {
        return ToolLoop.builder().client(client)
                .tool("get_weather", "Weather for a city", WeatherQuery.class, q -> {
                    queries.add(q);
                    return Mono.just(new Forecast(q.city(), 24.5, q.unit()));
                })
                .build();
    }

    @Test
    void toolFromTypeDeclaresItsStrictSchema() {
        Tool tool = Tool.from("get_weather", "Weather", WeatherQuery.class);

        assertThat(tool.strict()).isTrue();
        assertThat(tool.parametersJson()).contains("\"additionalProperties\":false").contains("City name")
                .contains("\"required\":[\"city\",\"unit\",\"days\"]");
        assertThatThrownBy(() -> Tool.from("t", "d", Unit.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record or class");
    }

    @Test
    void handlerGetsTheTypedArgumentsAndItsResultIsSentAsJson() {
        server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"CELSIUS\",\"days\":null}"));
        server.enqueue(Reply.text("24.5 C in Paris."));

        ToolLoopResult result = loop().run(ASK).block(VERIFY);

        assertThat(queries).containsExactly(new WeatherQuery("Paris", Unit.CELSIUS, null));
        assertThat(result.invocations()).singleElement()
                .satisfies(i -> assertThat(i.result()).isEqualTo("{\"city\":\"Paris\",\"temperature\":24.5,\"unit\":\"CELSIUS\"}"));
        JsonNode tools = server.requests().get(0).json().path("tools");
        assertThat(tools.get(0).at("/function/strict").asBoolean()).isTrue();
        assertThat(tools.get(0).at("/function/parameters/$defs/Unit/enum")).hasSize(2);
    }

    @Test
    void aCallThatBreaksTheSchemaIsCorrectedThenRun() {
        server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"KELVIN\"}"));
        server.enqueue(Reply.toolCall("call_2", "get_weather", "{\"city\":\"Paris\",\"unit\":\"CELSIUS\",\"days\":2}"));
        server.enqueue(Reply.text("Done."));

        ToolLoopResult result = loop().run(ASK).block(VERIFY);

        assertThat(queries).as("the handler never saw the bad call").containsExactly(new WeatherQuery("Paris", Unit.CELSIUS, 2));
        assertThat(result.invocations()).extracting(ToolInvocation::status)
                .containsExactly(Status.MALFORMED_ARGUMENTS, Status.SUCCEEDED);
        String correction = server.requests().get(1).json().path("messages").get(2).path("content").asString();
        assertThat(correction).contains("break its schema").contains("/unit").contains("'days'");
        assertThat(result.invocations().get(0).error()).isInstanceOfSatisfying(MalformedToolCallException.class,
                e -> assertThat(e.violations()).extracting(v -> v.pointer()).contains("/unit"));
    }

    @Test
    void schemaBreakingCallsCountAgainstMaxCorrections() {
        server.setDefault(Reply.toolCall("get_weather", "{\"town\":\"Paris\"}"));

        assertThatThrownBy(() -> ToolLoop.builder().client(client).maxCorrections(1)
                .tool("get_weather", "Weather", WeatherQuery.class, q -> Mono.just("x")).build().run(ASK).block(VERIFY))
                .isInstanceOf(MalformedToolCallException.class).hasMessageContaining("2 times");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void stringResultsAreSentAsTheyAre() {
        server.enqueue(Reply.toolCall("call_1", "echo", "{\"city\":\"Oslo\",\"unit\":\"CELSIUS\",\"days\":1}"));
        server.enqueue(Reply.text("ok"));
        ToolLoop echo = ToolLoop.builder().client(client)
                .tool("echo", "Echo", WeatherQuery.class, q -> Mono.just("plain " + q.city())).build();

        assertThat(echo.run(ASK).block(VERIFY).invocations().get(0).result()).isEqualTo("plain Oslo");
    }

    @Test
    void parsedArgumentsOfATypeForCallersWhoRunToolsThemselves() {
        ToolCall ok = new ToolCall("c", "get_weather", "{\"city\":\"Rome\",\"unit\":\"FAHRENHEIT\",\"days\":3}");
        assertThat(ok.parsedArguments(WeatherQuery.class)).isEqualTo(new WeatherQuery("Rome", Unit.FAHRENHEIT, 3));

        ToolCall missing = new ToolCall("c", "get_weather", "{\"city\":\"Rome\"}");
        assertThatThrownBy(() -> missing.parsedArguments(WeatherQuery.class))
                .isInstanceOfSatisfying(MalformedToolCallException.class, e -> {
                    assertThat(e.violations()).hasSize(2);
                    assertThat(e.getMessage()).contains("WeatherQuery schema");
                });
        ToolCall notJson = new ToolCall("c", "get_weather", "{city: Rome");
        assertThatThrownBy(() -> notJson.parsedArguments(WeatherQuery.class))
                .isInstanceOf(MalformedToolCallException.class).hasMessageContaining("not a JSON object");
        assertThat(Map.of()).isEmpty();
    }
}
