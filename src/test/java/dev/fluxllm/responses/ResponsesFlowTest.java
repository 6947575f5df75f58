package dev.fluxllm.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.ServerException;
import dev.fluxllm.StreamErrorException;
import dev.fluxllm.Tool;
import dev.fluxllm.structured.RefusalException;
import dev.fluxllm.structured.StructuredOutputException;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** The Responses API through the real client against the scripted server: each outcome, each fault. */
class ResponsesFlowTest {

    static final Duration VERIFY = Duration.ofSeconds(10);
    static final ResponseRequest ASK = ResponseRequest.builder().input("Say hello").build();

    record City(String name, String country) {
    }

    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> operations = new CopyOnWriteArrayList<>();
    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(10)).build())
            .listener(new LlmListener() {
                @Override
                public void onWarning(LlmCall call, String message) {
                    warnings.add(message);
                }

                @Override
                public void onRequestStart(LlmCall call) {
                    operations.add(call.operation() + " " + call.path());
                }
            })
            .build();

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    @Test
    void generateReturnsTheResponseWithUsage() {
        server.enqueue(Reply.text("Hello there!").usage(7, 3));

        Response r = client.generate(ASK).block(VERIFY);

        assertThat(r.outputText()).isEqualTo("Hello there!");
        assertThat(r.status()).isEqualTo("completed");
        assertThat(r.id()).startsWith("resp_");
        assertThat(r.usage().promptTokens()).isEqualTo(7);
        assertThat(r.usage().completionTokens()).isEqualTo(3);
        JsonNode sent = server.lastRequest().json();
        assertThat(server.lastRequest().path()).isEqualTo("/v1/responses");
        assertThat(sent.path("input").asString()).isEqualTo("Say hello");
        assertThat(sent.path("model").asString()).isEqualTo("m");
        assertThat(sent.has("stream")).isFalse();
        assertThat(operations).containsExactly("responses /responses");
    }

    @Test
    void streamAssemblesToWhatGenerateReturns() {
        Reply reply = Reply.text("Streaming is fun, isn't it?").reasoning("Think about it.").usage(5, 9);
        server.enqueue(reply);
        server.enqueue(reply);

        Response generated = client.generate(ASK).block(VERIFY);
        List<ResponseEvent> events = client.stream(ASK).collectList().block(VERIFY);
        Response assembled = ResponseStreams.assemble(reactor.core.publisher.Flux.fromIterable(events)).block(VERIFY);

        assertThat(events.get(0)).isInstanceOf(ResponseEvent.Created.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(ResponseEvent.Completed.class);
        assertThat(events).filteredOn(e -> e instanceof ResponseEvent.OutputTextDelta).hasSizeGreaterThan(3);
        assertThat(assembled.outputText()).isEqualTo(generated.outputText()).isEqualTo("Streaming is fun, isn't it?");
        assertThat(assembled.reasoningSummary()).isEqualTo(generated.reasoningSummary()).containsExactly("Think about it.");
        assertThat(assembled.usage()).isEqualTo(generated.usage());
        assertThat(server.lastRequest().json().path("stream").asBoolean()).isTrue();
        assertThat(operations).endsWith("responses.stream /responses");
    }

    @Test
    void textGivesTheDeltasInOrder() {
        server.enqueue(Reply.text("one two three"));
        assertThat(client.stream(ASK).as(ResponseStreams::text).collectList().block(VERIFY))
                .containsExactly("one", " two", " three");
    }

    @Test
    void functionCallsStreamedAndNotCarryCallIdsAndRawArguments() {
        Reply calls = Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")
                .andToolCall("call_2", "get_time", "{\"zone\":\"CET\"}");
        server.enqueue(calls);
        server.enqueue(calls);
        ResponseRequest withTools = ASK.toBuilder()
                .tool(Tool.function("get_weather", "Weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                .tool(Tool.from("get_time", "Time", City.class)).toolChoice("auto").build();

        Response whole = client.generate(withTools).block(VERIFY);
        Response streamed = client.stream(withTools).as(ResponseStreams::assemble).block(VERIFY);

        for (Response r : List.of(whole, streamed)) {
            assertThat(r.functionCalls()).extracting(c -> c.id() + " " + c.name() + " " + c.arguments())
                    .containsExactly("call_1 get_weather {\"city\":\"Paris\"}", "call_2 get_time {\"zone\":\"CET\"}");
        }
        JsonNode tools = server.lastRequest().json().path("tools");
        assertThat(tools.get(0).path("type").asString()).isEqualTo("function");
        assertThat(tools.get(0).path("name").asString()).as("flat, not under function").isEqualTo("get_weather");
        assertThat(tools.get(1).path("strict").asBoolean()).isTrue();
        assertThat(server.lastRequest().json().path("tool_choice").asString()).isEqualTo("auto");
    }

    @Test
    void malformedArgumentsAreKeptRawAndFlagged() {
        server.enqueue(Reply.toolCall("call_1", "f", "{\"city\": Par"));
        Response r = client.stream(ASK).as(ResponseStreams::assemble).block(VERIFY);
        assertThat(r.functionCalls().get(0).arguments()).isEqualTo("{\"city\": Par");
        assertThat(r.functionCalls().get(0).argumentsValid()).isFalse();
        assertThat(r.hasMalformedFunctionCalls()).isTrue();
    }

    @Test
    void incompleteCompletesWithItsReasonNotAnError() {
        server.enqueue(Reply.text("A long answer that").finishReason("length"));
        server.enqueue(Reply.text("A long answer that").finishReason("length"));

        Response streamed = client.stream(ASK).as(ResponseStreams::assemble).block(VERIFY);
        Response whole = client.generate(ASK).block(VERIFY);

        for (Response r : List.of(streamed, whole)) {
            assertThat(r.status()).isEqualTo("incomplete");
            assertThat(r.incompleteReason()).isEqualTo("max_output_tokens");
            assertThat(r.outputText()).isEqualTo("A long answer that");
        }
    }

    @Test
    void refusalIsAssembled() {
        server.enqueue(Reply.refusal("I can't help with that."));
        Response r = client.stream(ASK).as(ResponseStreams::assemble).block(VERIFY);
        assertThat(r.refusal()).isEqualTo("I can't help with that.");
        assertThat(r.outputText()).isEmpty();
    }

    @Test
    void errorEventEndsTheStreamWithStreamError() {
        server.enqueue(Reply.text("Half an answer").errorAfter(4, "The model crashed"));
        StepVerifier.create(client.stream(ASK))
                .expectNextCount(4)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class)
                        .hasMessageContaining("The model crashed"))
                .verify(VERIFY);
    }

    @Test
    void failedEventEndsTheStreamWithItsCodeAndMessage() {
        server.enqueue(Reply.raw(ResponseFixtures.sse(ResponseFixtures.textEvents().get(0),
                "{\"type\":\"response.failed\",\"sequence_number\":1,\"response\":{\"id\":\"resp_1\",\"status\":\"failed\","
                        + "\"error\":{\"code\":\"server_error\",\"message\":\"Out of memory\"},\"output\":[]}}")));
        assertThatThrownBy(() -> client.stream(ASK).as(ResponseStreams::assemble).block(VERIFY))
                .isInstanceOfSatisfying(StreamErrorException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("server_error");
                    assertThat(e.getMessage()).contains("Out of memory");
                });
    }

    @Test
    void cutOffStreamFailsWithThePartialResponse() {
        server.setDefault(Reply.text("Half an answer here").cutOffAfter(6));
        assertThatThrownBy(() -> client.stream(ASK).as(ResponseStreams::assemble).block(VERIFY))
                .isInstanceOfSatisfying(MalformedResponseException.class, e -> {
                    assertThat(e.getMessage()).contains("before any terminal event");
                    assertThat(e.partialResult(Response.class).outputText()).isNotEmpty();
                });
    }

    @Test
    void retriedBeforeTheFirstEventOnly() {
        server.enqueue(Reply.error(503, "busy"));
        server.enqueue(Reply.text("Hello after a retry"));
        assertThat(client.stream(ASK).as(ResponseStreams::text).collectList().block(VERIFY))
                .containsExactly("Hello", " after", " a", " retry");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void streamWithEventsOnlyRetriesNothingAfterTheFirst() {
        server.setDefault(Reply.text("Half an answer here").cutOffAfter(3));
        assertThatThrownBy(() -> client.stream(ASK).collectList().block(VERIFY)).isInstanceOf(MalformedResponseException.class);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void statusErrorsAreTyped() {
        server.setDefault(Reply.error(500, "boom"));
        assertThatThrownBy(() -> client.generate(ASK).block(VERIFY))
                .isInstanceOf(ServerException.class).hasMessageContaining("boom").hasMessageContaining("after 3 attempts");
    }

    @Test
    void doneValueDifferingFromItsDeltasIsReportedToTheListener() {
        server.enqueue(Reply.raw(ResponseFixtures.sse(
                ResponseFixtures.textEvents().get(0),
                "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"type\":\"message\","
                        + "\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[]}}",
                ResponseFixtures.delta(2, "Helo"),
                "{\"type\":\"response.output_text.done\",\"sequence_number\":3,\"item_id\":\"msg_1\",\"output_index\":0,"
                        + "\"content_index\":0,\"text\":\"Hello\"}",
                "{\"type\":\"response.completed\",\"sequence_number\":4,\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[]}}")));

        assertThat(client.stream(ASK).as(ResponseStreams::assemble).block(VERIFY).outputText()).isEqualTo("Hello");
        assertThat(warnings).singleElement().asString().contains("response.output_text.done");
    }

    @Test
    void typedGenerateSendsTextFormatAndMapsTheAnswer() {
        server.enqueue(Reply.text("{\"name\":\"Paris\",\"country\":\"France\"}"));

        City city = client.generate(ASK, City.class).block(VERIFY);

        assertThat(city).isEqualTo(new City("Paris", "France"));
        JsonNode format = server.lastRequest().json().at("/text/format");
        assertThat(format.path("type").asString()).isEqualTo("json_schema");
        assertThat(format.path("name").asString()).isEqualTo("City");
        assertThat(format.path("strict").asBoolean()).isTrue();
        assertThat(format.at("/schema/properties/country/type").asString()).isEqualTo("string");
    }

    @Test
    void typedGenerateFailsForRefusalsIncompleteAndBadJson() {
        server.enqueue(Reply.refusal("No."));
        server.enqueue(Reply.text("{\"name\":\"Par").finishReason("length"));
        server.enqueue(Reply.text("{\"name\":\"Paris\"}"));

        assertThatThrownBy(() -> client.generate(ASK, City.class).block(VERIFY)).isInstanceOf(RefusalException.class);
        assertThatThrownBy(() -> client.generate(ASK, City.class).block(VERIFY))
                .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                    assertThat(e.finishReason()).isEqualTo("max_output_tokens");
                    assertThat(e.partialResult(Response.class).status()).isEqualTo("incomplete");
                });
        assertThatThrownBy(() -> client.generate(ASK, City.class).block(VERIFY))
                .isInstanceOfSatisfying(StructuredOutputException.class,
                        e -> assertThat(e.violations()).isNotEmpty());
    }

    @Test
    void requestOptionsAreSentUnderTheirWireNames() {
        server.enqueue(Reply.text("ok"));
        ResponseRequest r = ResponseRequest.builder().model("gpt-x").instructions("Be brief.")
                .input(List.of(InputItem.developer("Rules"), InputItem.user("Hi"), InputItem.assistant("Hello"),
                        InputItem.functionCall("call_1", "f", "{}"), InputItem.functionCallOutput("call_1", "42")))
                .maxOutputTokens(100).temperature(0.5).topP(0.9).previousResponseId("resp_0").store(false)
                .reasoningEffort("low").reasoningSummary("auto").include("reasoning.encrypted_content")
                .parallelToolCalls(false).metadata("k", "v").extra("service_tier", "flex").build();

        client.generate(r).block(VERIFY);

        JsonNode b = server.lastRequest().json();
        assertThat(b.path("model").asString()).isEqualTo("gpt-x");
        assertThat(b.path("instructions").asString()).isEqualTo("Be brief.");
        assertThat(b.path("input")).hasSize(5);
        assertThat(b.at("/input/0/role").asString()).isEqualTo("developer");
        assertThat(b.at("/input/3/type").asString()).isEqualTo("function_call");
        assertThat(b.at("/input/4/type").asString()).isEqualTo("function_call_output");
        assertThat(b.at("/input/4/output").asString()).isEqualTo("42");
        assertThat(b.path("max_output_tokens").asInt()).isEqualTo(100);
        assertThat(b.path("previous_response_id").asString()).isEqualTo("resp_0");
        assertThat(b.path("store").asBoolean(true)).isFalse();
        assertThat(b.at("/reasoning/effort").asString()).isEqualTo("low");
        assertThat(b.at("/reasoning/summary").asString()).isEqualTo("auto");
        assertThat(b.at("/include/0").asString()).isEqualTo("reasoning.encrypted_content");
        assertThat(b.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(b.at("/metadata/k").asString()).isEqualTo("v");
        assertThat(b.path("service_tier").asString()).isEqualTo("flex");
    }

    @Test
    void requestWithoutInputOrModelFailsBeforeSending() {
        assertThatThrownBy(() -> ResponseRequest.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input");
        try (OpenAiCompatClient noModel = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).build()) {
            assertThatThrownBy(() -> noModel.generate(ASK).block(VERIFY)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model");
        }
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void cancellingTheStreamClosesTheConnection() {
        server.enqueue(Reply.text("a b c d e f g h i j k l m n o p").delay(Duration.ofMillis(20)));
        StepVerifier.create(client.stream(ASK).take(3)).expectNextCount(3).verifyComplete();
        server.awaitCancelledStreams(1, Duration.ofSeconds(5));
    }
}
