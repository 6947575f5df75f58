package dev.fluxllm.bench.jmh;

import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.bench.jmh.StructuredData.Item;
import dev.fluxllm.bench.jmh.StructuredData.ItemList;
import dev.fluxllm.bench.jmh.StructuredData.Order;
import dev.fluxllm.internal.schema.SchemaCheck;
import dev.fluxllm.internal.schema.TypeBinding;
import dev.fluxllm.structured.StructuredOptions;
import dev.fluxllm.structured.StructuredOutputs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed outputs, per answer: FluxLLM's {@code generate(request, Order.class)} (parse, validate
 * against the schema, map) against plain Jackson {@code readValue} of the same text plus the same
 * validation; and {@code streamElements} of a 500-element list streamed in 4-character deltas
 * against parsing the finished text once. openai-java's structured outputs map an answer with a
 * Jackson 2 {@code readValue} and do not validate it: that step is measured as is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StructuredBenchmark {

    static final int ELEMENTS = 500;

    private final JsonMapper jackson3 = JsonMapper.builder().build();
    private final com.fasterxml.jackson.databind.ObjectMapper jackson2 = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new Jdk8Module()).registerModule(new JavaTimeModule());
    private final ChatRequest request = ChatRequest.builder().model("m").user("Extract").build();

    private String order;
    private String list;
    private ChatResponse orderResponse;
    private List<ChatChunk> listDeltas;
    private SchemaCheck orderCheck;
    private SchemaCheck listCheck;
    private TypeBinding<Item> itemBinding;
    private StructuredOutputs typed;

    @Setup
    public void setUp() {
        order = StructuredData.order();
        list = StructuredData.itemList(ELEMENTS);
        orderResponse = new ChatResponse("id", "m", 0, List.of(new ChatChoice(0, order, "", List.of(), "stop", "")), null);
        listDeltas = StructuredData.deltas(list);
        orderCheck = SchemaCheck.compile(TypeBinding.of(Order.class).schema());
        listCheck = SchemaCheck.compile(jackson3.readTree(TypeBinding.of(Item.class).listSchemaJson()));
        itemBinding = TypeBinding.of(Item.class);
        typed = StructuredOutputs.of(r -> Mono.just(orderResponse), r -> Flux.fromIterable(listDeltas),
                StructuredOptions.defaults());
        Streams.check(order.length() > 1800 && order.length() < 2600, "order is " + order.length() + " chars");
        Streams.check(typed.generate(request, Order.class).block().items().size() == 16, "order maps");
        Streams.check(typed.streamElements(request, Item.class).count().block() == ELEMENTS, "elements stream");
    }

    // ---- a 2 KB answer into a record -----------------------------------------------------------

    @Benchmark
    public Order fluxllmGenerateTyped() {
        return typed.generate(request, Order.class).block();
    }

    @Benchmark
    public Object jacksonReadValuePlusValidation() {
        Order o = jackson3.readValue(order, Order.class);
        if (!orderCheck.validate(jackson3.readTree(order)).isEmpty()) {
            throw new AssertionError();
        }
        return o;
    }

    @Benchmark
    public Order jacksonReadValueOnly() {
        return jackson3.readValue(order, Order.class);
    }

    @Benchmark
    public Order openAiJavaParseStep() throws Exception {
        return jackson2.readValue(order, Order.class);
    }

    // ---- a 500-element list answer -------------------------------------------------------------

    @Benchmark
    public void fluxllmStreamElements(Blackhole bh) {
        typed.streamElements(request, Item.class).subscribe(bh::consume);
    }

    @Benchmark
    public JsonNode parseFinishedTextOnce() {
        return jackson3.readTree(list);
    }

    @Benchmark
    public void parseValidateMapFinishedTextOnce(Blackhole bh) {
        JsonNode root = jackson3.readTree(list);
        if (!listCheck.validate(root).isEmpty()) {
            throw new AssertionError();
        }
        for (JsonNode item : root.path("items")) {
            bh.consume(itemBinding.map(item));
        }
    }

    /** What a consumer without element streaming does: assemble the stream, then parse, validate and map once. */
    @Benchmark
    public void streamThenParseValidateMapOnce(Blackhole bh) {
        String text = Flux.fromIterable(listDeltas).as(ChatStreams::assemble).block().text();
        JsonNode root = jackson3.readTree(text);
        if (!listCheck.validate(root).isEmpty()) {
            throw new AssertionError();
        }
        for (JsonNode item : root.path("items")) {
            bh.consume(itemBinding.map(item));
        }
    }

    /** Assemble the stream, then parse the finished text once (nothing validated or mapped). */
    @Benchmark
    public JsonNode streamThenParseOnce() {
        return jackson3.readTree(Flux.fromIterable(listDeltas).as(ChatStreams::assemble).block().text());
    }

    @Benchmark
    public ItemList openAiJavaParseStepList() throws Exception {
        return jackson2.readValue(list, ItemList.class);
    }
}
