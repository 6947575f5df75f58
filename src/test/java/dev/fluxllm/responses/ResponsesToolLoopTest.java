package dev.fluxllm.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import dev.fluxllm.tools.ToolInvocation;
import dev.fluxllm.tools.ToolLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** A tool loop over the Responses API: function_call_output items, output items echoed, corrections. */
class ResponsesToolLoopTest {

    static final Duration VERIFY = Duration.ofSeconds(10);

    record Query(String city) {
    }

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.none()).build();
    final List<Query> queries = new CopyOnWriteArrayList<>();
    final ToolLoop tools = ToolLoop.builder().client(client)
            .tool("get_weather", "Weather for a city", Query.class, q -> {
                queries.add(q);
                return Mono.just("Sunny in " + q.city());
            })
            .build();

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    @Test
    void callsAreRunAndTheirOutputsSentBackWithTheEchoedItems() {
        server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}").reasoning("Need weather."));
        server.enqueue(Reply.text("It is sunny in Paris."));

        ResponsesToolLoop.Result result = ResponsesToolLoop.of(client, tools)
                .run(ResponseRequest.builder().input("Weather in Paris?").store(false).build()).block(VERIFY);

        assertThat(result.text()).isEqualTo("It is sunny in Paris.");
        assertThat(result.turns()).isEqualTo(2);
        assertThat(queries).containsExactly(new Query("Paris"));
        JsonNode first = server.requests().get(0).json();
        assertThat(first.at("/tools/0/name").asString()).isEqualTo("get_weather");
        JsonNode input = server.requests().get(1).json().path("input");
        assertThat(input).extracting(i -> i.path("type").asString("message"))
                .containsExactly("message", "reasoning", "function_call", "function_call_output");
        assertThat(input.get(3).path("call_id").asString()).isEqualTo("call_1");
        assertThat(input.get(3).path("output").asString()).isEqualTo("Sunny in Paris");
        assertThat(server.requests().get(1).json().path("store").asBoolean(true)).isFalse();
    }

    @Test
    void aSchemaBreakingCallIsCorrectedWithoutRunning() {
        server.enqueue(Reply.toolCall("call_1", "get_weather", "{\"town\":\"Paris\"}"));
        server.enqueue(Reply.toolCall("call_2", "get_weather", "{\"city\":\"Paris\"}"));
        server.enqueue(Reply.text("Sunny."));

        ResponsesToolLoop.Result result = ResponsesToolLoop.of(client, tools)
                .run(ResponseRequest.builder().input("Weather?").build()).block(VERIFY);

        assertThat(queries).containsExactly(new Query("Paris"));
        assertThat(result.invocations()).extracting(ToolInvocation::status)
                .containsExactly(ToolInvocation.Status.MALFORMED_ARGUMENTS, ToolInvocation.Status.SUCCEEDED);
        String correction = server.requests().get(1).json().path("input").get(2).path("output").asString();
        assertThat(correction).contains("break its schema");
    }

    @Test
    void theTurnLimitStopsTheLoop() {
        server.setDefault(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
        ToolLoop limited = ToolLoop.builder().client(client).maxTurns(2)
                .tool("get_weather", "Weather", Query.class, q -> Mono.just("ok")).build();

        ResponsesToolLoop.Result result = ResponsesToolLoop.of(client, limited)
                .run(ResponseRequest.builder().input("Weather?").build()).block(VERIFY);

        assertThat(result.turnLimitReached()).isTrue();
        assertThat(server.requestCount()).isEqualTo(2);
    }
}
