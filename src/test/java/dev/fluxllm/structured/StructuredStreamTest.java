package dev.fluxllm.structured;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.schema.TypeBinding;
import dev.fluxllm.structured.Fixtures.Invoice;
import dev.fluxllm.structured.Fixtures.Line;
import dev.fluxllm.structured.Fixtures.Tree;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Partial snapshots and list elements from streamed answers, split at every boundary. */
class StructuredStreamTest {

    static final Duration VERIFY = Duration.ofSeconds(10);
    static final ChatRequest ASK = ChatRequest.builder().model("m").user("Extract").build();
    /** A recorded-style answer: escapes, unicode, nested arrays, a null, numbers of each kind. */
    static final String INVOICE = "{\"invoice_number\":\"A-17 \\\"q\\\" \\u00e9\\u2603 é\",\"issued\":\"2024-05-01\","
            + "\"priority\":\"HIGH\",\"lines\":[{\"item\":\"pen\",\"quantity\":2,\"unitPrice\":1.25,\"note\":null},"
            + "{\"item\":\"ink\\nblack\",\"quantity\":10,\"unitPrice\":3e1,\"note\":\"x\"}],"
            + "\"firstLine\":{\"item\":\"pen\",\"quantity\":-2,\"unitPrice\":0.5,\"note\":\"\"}}";
    static final String LINES = "{\"items\":[{\"item\":\"a\",\"quantity\":1,\"unitPrice\":1.5,\"note\":null},"
            + " {\"item\":\"b}]\",\"quantity\":2,\"unitPrice\":2,\"note\":\"[{\\\"\"},"
            + "{\"item\":\"c\",\"quantity\":3,\"unitPrice\":3.25,\"note\":\"z\"}]}";

    static ChatChunk chunk(String text, String finish) {
        return new ChatChunk("id", "m", 0, List.of(new ChunkChoice(0, null, text, "", List.of(), finish)), null);
    }

    static Flux<ChatChunk> chunks(List<String> pieces) {
        List<ChatChunk> out = new ArrayList<>();
        pieces.forEach(p -> out.add(chunk(p, null)));
        out.add(chunk("", "stop"));
        return Flux.fromIterable(out);
    }

    static StructuredOutputs over(Function<ChatRequest, Flux<ChatChunk>> stream) {
        Function<ChatRequest, Mono<ChatResponse>> none = r -> Mono.error(new AssertionError("not streamed"));
        return StructuredOutputs.of(none, stream, StructuredOptions.defaults());
    }

    static List<List<String>> everySplit(String text) {
        List<List<String>> splits = new ArrayList<>();
        for (int i = 1; i < text.length(); i++) {
            splits.add(List.of(text.substring(0, i), text.substring(i)));
        }
        return splits;
    }

    static List<String> randomPieces(String text, Random random) {
        List<String> pieces = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int n = Math.min(text.length() - at, 1 + random.nextInt(6));
            pieces.add(text.substring(at, at + n));
            at += n;
        }
        return pieces;
    }

    @Test
    void partialsEndWithTheWholeAnswerParseAtEverySplit() {
        Invoice whole = TypeBinding.of(Invoice.class).map(Json.MAPPER.readTree(INVOICE));
        for (List<String> split : everySplit(INVOICE)) {
            List<Invoice> snapshots = over(r -> chunks(split)).streamPartials(ASK, Invoice.class).collectList().block(VERIFY);
            assertThat(snapshots).as("split at %d", split.get(0).length()).isNotEmpty();
            assertThat(snapshots.get(snapshots.size() - 1)).as("split at %d", split.get(0).length()).isEqualTo(whole);
        }
    }

    @Test
    void partialsGrowOneCharacterAtATime() {
        List<String> chars = INVOICE.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        List<Invoice> snapshots = over(r -> chunks(chars)).streamPartials(ASK, Invoice.class).collectList().block(VERIFY);

        assertThat(snapshots.size()).isGreaterThan(30);
        // A string being written shows its text so far; fields not yet written are null.
        assertThat(snapshots).anySatisfy(s -> {
            assertThat(s.number()).isEqualTo("A-17 ");
            assertThat(s.issued()).isNull();
            assertThat(s.lines()).isNull();
        });
        assertThat(snapshots).anySatisfy(s -> assertThat(s.lines()).hasSize(1));
        for (int i = 1; i < snapshots.size(); i++) {
            assertThat(snapshots.get(i)).as("no two equal snapshots in a row").isNotEqualTo(snapshots.get(i - 1));
        }
        assertThat(snapshots.get(snapshots.size() - 1).firstLine().note()).contains("");
    }

    @Test
    void partialTreeEqualsTheWholeParseForRandomSplits() {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            PartialTree tree = new PartialTree();
            IncrementalJson json = new IncrementalJson(tree, true);
            randomPieces(INVOICE, random).forEach(json::feed);
            assertThat(json.end()).isTrue();
            assertThat(tree.root()).isEqualTo(Json.MAPPER.readTree(INVOICE));
        }
    }

    @Test
    void elementsEqualTheWholeAnswerParseAtEverySplit() {
        List<Line> whole = new ArrayList<>();
        Json.MAPPER.readTree(LINES).path("items").forEach(n -> whole.add(TypeBinding.of(Line.class).map(n)));
        assertThat(whole).hasSize(3);
        for (List<String> split : everySplit(LINES)) {
            List<Line> lines = over(r -> chunks(split)).streamElements(ASK, Line.class).collectList().block(VERIFY);
            assertThat(lines).as("split at %d", split.get(0).length()).isEqualTo(whole);
        }
    }

    @Test
    void eachElementIsEmittedWhenItsClosingBracketArrives() {
        Sinks.Many<ChatChunk> model = Sinks.many().unicast().onBackpressureBuffer();
        String first = "{\"item\":\"a\",\"quantity\":1,\"unitPrice\":1.5,\"note\":null}";

        StepVerifier.create(over(r -> model.asFlux()).streamElements(ASK, Line.class))
                .then(() -> model.tryEmitNext(chunk("{\"items\":[" + first.substring(0, first.length() - 1), null)))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> model.tryEmitNext(chunk("}, {\"item\":\"b\",", null)))
                .expectNext(new Line("a", 1, new BigDecimal("1.5"), Optional.empty()))
                .then(() -> model.tryEmitNext(chunk("\"quantity\":2,\"unitPrice\":2,\"note\":\"n\"}", null)))
                .expectNext(new Line("b", 2, new BigDecimal("2"), Optional.of("n")))
                .then(() -> {
                    model.tryEmitNext(chunk("]}", "stop"));
                    model.tryEmitComplete();
                })
                .verifyComplete();
    }

    @Test
    void aRootArrayIsAcceptedForListAnswers() {
        String bare = LINES.substring("{\"items\":".length(), LINES.length() - 1);
        assertThat(over(r -> chunks(List.of(bare))).streamElements(ASK, Line.class).collectList().block(VERIFY)).hasSize(3);
    }

    @Test
    void anElementThatBreaksTheSchemaFailsAfterTheValidOnes() {
        String answer = "{\"items\":[{\"item\":\"a\",\"quantity\":1,\"unitPrice\":1,\"note\":null},{\"item\":\"b\"}]}";

        StepVerifier.create(over(r -> chunks(List.of(answer))).streamElements(ASK, Line.class))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(StructuredOutputException.class).hasMessageContaining("Element 1");
                    assertThat(((StructuredOutputException) e).violations())
                            .allSatisfy(v -> assertThat(v.pointer()).startsWith("/items/1"));
                })
                .verify(VERIFY);
    }

    @Test
    void aListCutOffByTheTokenLimitFailsAfterTheCompleteElements() {
        String cut = LINES.substring(0, LINES.indexOf("{\"item\":\"c\"") + 5);
        Flux<ChatChunk> model = Flux.just(chunk(cut, null), chunk("", "length"));

        StepVerifier.create(over(r -> model).streamElements(ASK, Line.class))
                .expectNextCount(2)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StructuredOutputException.class)
                        .hasMessageContaining("cut off"))
                .verify(VERIFY);
    }

    @Test
    void invalidJsonFailsTheStream() {
        StepVerifier.create(over(r -> chunks(List.of("{\"items\":[{\"item\" \"a\"}]}"))).streamElements(ASK, Line.class))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StructuredOutputException.class)
                        .hasMessageContaining("not JSON"))
                .verify(VERIFY);
    }

    @Test
    void partialsOfAnAnswerThatEndsEarlyFail() {
        StepVerifier.create(over(r -> chunks(List.of("{\"invoice_number\":\"A"))).streamPartials(ASK, Invoice.class))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StructuredOutputException.class)
                        .hasMessageContaining("before its JSON was complete"))
                .verify(VERIFY);
    }

    @Test
    void refusalInAStreamFails() {
        ChatChunk refusal = new ChatChunk("id", "m", 0,
                List.of(new ChunkChoice(0, null, "", "", List.of(), "stop", "I cannot.")), null);
        StepVerifier.create(over(r -> Flux.just(refusal)).streamPartials(ASK, Invoice.class))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RefusalException.class)
                        .extracting(x -> ((RefusalException) x).refusal()).isEqualTo("I cannot."))
                .verify(VERIFY);
    }

    @Test
    void recursiveElementsStream() {
        String trees = "{\"items\":[{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[]}]},{\"name\":\"c\",\"children\":[]}]}";
        assertThat(over(r -> chunks(List.of(trees))).streamElements(ASK, Tree.class).collectList().block(VERIFY))
                .extracting(Tree::name).containsExactly("a", "c");
    }

    @Test
    void elementsStreamEndToEndThroughTheClient() {
        try (ScriptedLlmServer server = ScriptedLlmServer.start();
             OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                     .retryPolicy(RetryPolicy.none()).build()) {
            server.enqueue(Reply.text(LINES).chunkSize(3));

            List<Line> lines = client.streamElements(ASK, Line.class).collectList().block(VERIFY);

            assertThat(lines).extracting(Line::item).containsExactly("a", "b}]", "c");
            assertThat(server.lastRequest().json().at("/response_format/json_schema/name").asString()).isEqualTo("Line_list");
            assertThat(server.lastRequest().json().at("/response_format/json_schema/schema/properties/items/type")
                    .asString()).isEqualTo("array");
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        }
    }
}
