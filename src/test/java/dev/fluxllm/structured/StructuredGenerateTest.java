package dev.fluxllm.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.Capabilities;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.structured.Fixtures.Drawing;
import dev.fluxllm.structured.Fixtures.Invoice;
import dev.fluxllm.structured.Fixtures.Line;
import dev.fluxllm.structured.Fixtures.Priority;
import dev.fluxllm.structured.Fixtures.Times;
import dev.fluxllm.structured.Fixtures.Zoo;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code generate(request, Class)} end to end against the scripted server: round trips and every failure. */
class StructuredGenerateTest {

    static final Duration VERIFY = Duration.ofSeconds(10);
    static final ChatRequest ASK = ChatRequest.builder().user("Extract the invoice").build();
    static final String INVOICE = "{\"invoice_number\":\"A-17\",\"issued\":\"2024-05-01\",\"priority\":\"HIGH\","
            + "\"lines\":[{\"item\":\"pen\",\"quantity\":2,\"unitPrice\":1.25,\"note\":null}],"
            + "\"firstLine\":{\"item\":\"pen\",\"quantity\":2,\"unitPrice\":1.25,\"note\":\"blue\"}}";

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = client(Capabilities.defaults());

    OpenAiCompatClient client(Capabilities capabilities) {
        return OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                .retryPolicy(RetryPolicy.none()).capabilities(capabilities).build();
    }

    @AfterEach
    void close() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.close();
    }

    @Test
    void recordRoundTripSendsStrictJsonSchema() {
        server.enqueue(Reply.text(INVOICE));

        Invoice invoice = client.generate(ASK, Invoice.class).block(VERIFY);

        assertThat(invoice.number()).isEqualTo("A-17");
        assertThat(invoice.issued()).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(invoice.priority()).isEqualTo(Priority.HIGH);
        assertThat(invoice.lines()).containsExactly(new Line("pen", 2, new BigDecimal("1.25"), Optional.empty()));
        assertThat(invoice.firstLine().note()).contains("blue");
        JsonNode format = server.lastRequest().json().path("response_format");
        assertThat(format.path("type").asString()).isEqualTo("json_schema");
        assertThat(format.at("/json_schema/name").asString()).isEqualTo("Invoice");
        assertThat(format.at("/json_schema/strict").asBoolean()).isTrue();
        assertThat(format.at("/json_schema/schema/properties/invoice_number/type").asString()).isEqualTo("string");
    }

    @Test
    void hierarchiesAndTimesRoundTrip() {
        server.enqueue(Reply.text("{\"title\":\"t\",\"shapes\":[{\"side\":2,\"label\":\"a\"},{\"radius\":1.5}]}"));
        server.enqueue(Reply.text("{\"animals\":[{\"kind\":\"cat\",\"name\":\"Tom\",\"lives\":9}]}"));
        server.enqueue(Reply.text("{\"date\":\"2024-05-01\",\"localDateTime\":\"2024-05-01T13:45:00\",\"localTime\":\"13:45:00\","
                + "\"offset\":\"2024-05-01T13:45:00+02:00\",\"instant\":\"2024-05-01T11:45:00Z\",\"duration\":\"PT90M\","
                + "\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}"));

        assertThat(client.generate(ASK, Drawing.class).block(VERIFY).shapes())
                .containsExactly(new Fixtures.Square(2, "a"), new Fixtures.Circle(1.5));
        assertThat(client.generate(ASK, Zoo.class).block(VERIFY).animals()).containsExactly(new Fixtures.Cat("Tom", 9));
        Times times = client.generate(ASK, Times.class).block(VERIFY);
        assertThat(times.duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(times.localDateTime().getHour()).isEqualTo(13);
    }

    @Test
    void enumRootIsAskedWrappedAndUnwrapped() {
        server.enqueue(Reply.text("{\"value\":\"MEDIUM\"}"));

        assertThat(client.generate(ASK, Priority.class).block(VERIFY)).isEqualTo(Priority.MEDIUM);
        assertThat(server.lastRequest().json().at("/response_format/json_schema/schema/properties/value/enum"))
                .hasSize(3);
    }

    @Test
    void serverWithoutJsonSchemaGetsJsonObjectAndTheSchemaInTheSystemMessage() {
        try (OpenAiCompatClient deepseekLike = client(Capabilities.builder().jsonSchema(false).build())) {
            server.enqueue(Reply.text("```json\n" + INVOICE + "\n```"));
            ChatRequest withSystem = ChatRequest.builder().system("You are terse.").user("Extract").build();

            Invoice invoice = deepseekLike.generate(withSystem, Invoice.class).block(VERIFY);

            assertThat(invoice.number()).isEqualTo("A-17");
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json().at("/response_format/type").asString()).isEqualTo("json_object");
            JsonNode messages = sent.json().path("messages");
            assertThat(messages).hasSize(2);
            assertThat(messages.get(0).path("role").asString()).isEqualTo("system");
            assertThat(messages.get(0).path("content").asString()).startsWith("You are terse.")
                    .contains("JSON Schema").contains("invoice_number");
        }
    }

    @Test
    void withResponseCarriesUsageAndId() {
        server.enqueue(Reply.text(INVOICE).usage(12, 34));

        StructuredResponse<Invoice> r = StructuredOutputs.of(client).generateWithResponse(ASK, Invoice.class).block(VERIFY);

        assertThat(r.value().number()).isEqualTo("A-17");
        assertThat(r.response().usage().completionTokens()).isEqualTo(34);
        assertThat(r.response().text()).isEqualTo(INVOICE);
        assertThat(r.attempts()).isEqualTo(1);
    }

    @Test
    void textThatIsNotJsonFailsWithRawText() {
        server.enqueue(Reply.text("Sure! The invoice number is A-17."));

        assertThatThrownBy(() -> client.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                    assertThat(e.getMessage()).contains("not JSON").contains("Invoice");
                    assertThat(e.rawText()).isEqualTo("Sure! The invoice number is A-17.");
                    assertThat(e.finishReason()).isEqualTo("stop");
                    assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.pointer()).isEmpty());
                    assertThat(e.response()).isNotNull();
                });
    }

    @Test
    void jsonThatBreaksTheSchemaFailsWithPointers() {
        server.enqueue(Reply.text("{\"invoice_number\":\"A-17\",\"issued\":\"yesterday\",\"priority\":\"URGENT\","
                + "\"lines\":[{\"item\":\"pen\",\"unitPrice\":1,\"note\":null}],\"firstLine\":null}"));

        assertThatThrownBy(() -> client.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                    assertThat(e.violations()).extracting(v -> v.pointer())
                            .contains("/issued", "/priority", "/lines/0", "/firstLine");
                    assertThat(e.getMessage()).contains("breaks the Invoice schema");
                    assertThat(e.isRepairable()).isTrue();
                });
    }

    @Test
    void trailingTextAfterTheJsonIsNotAccepted() {
        server.enqueue(Reply.text(INVOICE + " Hope this helps!"));

        assertThatThrownBy(() -> client.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOf(StructuredOutputException.class).hasMessageContaining("not JSON");
    }

    @Test
    void refusalIsItsOwnException() {
        server.enqueue(Reply.refusal("I can't help with that request."));

        assertThatThrownBy(() -> client.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOfSatisfying(RefusalException.class, e -> {
                    assertThat(e.refusal()).isEqualTo("I can't help with that request.");
                    assertThat(e.isRepairable()).isFalse();
                    assertThat(e.response().refusal()).isEqualTo("I can't help with that request.");
                });
    }

    @Test
    void answerCutOffByTheTokenLimitFailsNamingTheLimit() {
        server.enqueue(Reply.text("{\"invoice_number\":\"A-").finishReason("length"));

        assertThatThrownBy(() -> client.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                    assertThat(e.finishReason()).isEqualTo("length");
                    assertThat(e.getMessage()).contains("cut off").contains("maxTokens");
                    assertThat(e.rawText()).isEqualTo("{\"invoice_number\":\"A-");
                });
    }

    @Test
    void toolCallsInsteadOfAnAnswerFail() {
        server.enqueue(Reply.toolCall("lookup", "{}"));

        assertThatThrownBy(() -> client.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOf(StructuredOutputException.class).hasMessageContaining("called tools");
    }

    @Test
    void repairSendsTheViolationsBackAndSucceeds() {
        server.enqueue(Reply.text("{\"invoice_number\":\"A-17\"}"));
        server.enqueue(Reply.text(INVOICE));
        StructuredOutputs typed = StructuredOutputs.of(client, StructuredOptions.builder().maxRepairs(1).build());

        StructuredResponse<Invoice> r = typed.generateWithResponse(ASK, Invoice.class).block(VERIFY);

        assertThat(r.value().number()).isEqualTo("A-17");
        assertThat(r.attempts()).isEqualTo(2);
        JsonNode messages = server.requests().get(1).json().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).path("role").asString()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").asString()).isEqualTo("{\"invoice_number\":\"A-17\"}");
        assertThat(messages.get(2).path("content").asString()).contains("issued").contains("corrected JSON");
    }

    @Test
    void repairsAreBounded() {
        server.enqueue(Reply.text("{}"));
        server.enqueue(Reply.text("{\"still\":\"wrong\"}"));
        StructuredOutputs typed = StructuredOutputs.of(client, StructuredOptions.builder().maxRepairs(1).build());

        assertThatThrownBy(() -> typed.generate(ASK, Invoice.class).block(VERIFY))
                .isInstanceOfSatisfying(StructuredOutputException.class,
                        e -> assertThat(e.rawText()).isEqualTo("{\"still\":\"wrong\"}"));
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void refusalIsNeverRepaired() {
        server.enqueue(Reply.refusal("No."));
        StructuredOutputs typed = StructuredOutputs.of(client, StructuredOptions.builder().maxRepairs(3).build());

        assertThatThrownBy(() -> typed.generate(ASK, Invoice.class).block(VERIFY)).isInstanceOf(RefusalException.class);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void inexpressibleTypeFailsBeforeAnythingIsSent() {
        assertThatThrownBy(() -> client.generate(ASK, Fixtures.WithMap.class).block(VERIFY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WithMap.attributes");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void scriptedServerAnswersWithSchemaShapedJson() {
        server.setDefault(Reply.schemaExample());

        Invoice invoice = client.generate(ASK, Invoice.class).block(VERIFY);
        Times times = client.generate(ASK, Times.class).block(VERIFY);
        Drawing drawing = client.generate(ASK, Drawing.class).block(VERIFY);

        assertThat(invoice.lines()).hasSize(1);
        assertThat(invoice.priority()).isEqualTo(Priority.LOW);
        assertThat(times.date()).isEqualTo(LocalDate.of(2024, 1, 1));
        assertThat(drawing.shapes()).hasSize(1);
        assertThat(List.of(invoice, times, drawing)).doesNotContainNull();
    }
}
