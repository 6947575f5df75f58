package dev.fluxllm.structured;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gets Java values from a model: sends a JSON Schema built from the type, validates the answer
 * against it and maps it with Jackson; streams objects as they form, or the elements of a list
 * answer one by one. Thread-safe and cheap: make one per client or per call.
 *
 * <pre>{@code
 * record Invoice(String number, BigDecimal total, List<Line> lines) {}
 * Mono<Invoice> invoice = StructuredOutputs.of(client).generate(request, Invoice.class);
 * Flux<Line> lines = StructuredOutputs.of(client).streamElements(request, Line.class);
 * }</pre>
 *
 * <p>Every method returns a cold publisher that sends the request on subscription, with the
 * client's retries. A type that strict mode cannot express fails the subscription with an
 * {@link IllegalArgumentException} before anything is sent; an answer that cannot become the type
 * fails with a {@link StructuredOutputException} (a {@link RefusalException} when the model refused).
 */
public final class StructuredOutputs {

    private final Function<ChatRequest, Mono<ChatResponse>> generate;
    private final Function<ChatRequest, Flux<ChatChunk>> stream;
    private final boolean serverHasJsonSchema;
    private final StructuredOptions options;

    private StructuredOutputs(Function<ChatRequest, Mono<ChatResponse>> generate,
                              Function<ChatRequest, Flux<ChatChunk>> stream, boolean serverHasJsonSchema,
                              StructuredOptions options) {
        this.generate = Objects.requireNonNull(generate, "generate");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.serverHasJsonSchema = serverHasJsonSchema;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Returns typed outputs over {@code client} with {@link StructuredOptions#defaults()}. */
    public static StructuredOutputs of(OpenAiCompatClient client) {
        return of(client, StructuredOptions.defaults());
    }

    /** Returns typed outputs over {@code client}; {@link StructuredMode#AUTO} follows {@code client.capabilities().jsonSchema()}. */
    public static StructuredOutputs of(OpenAiCompatClient client, StructuredOptions options) {
        Objects.requireNonNull(client, "client");
        return new StructuredOutputs(client::generate, client::stream, client.capabilities().jsonSchema(), options);
    }

    /**
     * Returns typed outputs over any pair of functions, e.g. a router's; {@link StructuredMode#AUTO}
     * then means {@code json_schema}.
     */
    public static StructuredOutputs of(Function<ChatRequest, Mono<ChatResponse>> generate,
                                       Function<ChatRequest, Flux<ChatChunk>> stream, StructuredOptions options) {
        return new StructuredOutputs(generate, stream, true, options);
    }

    /** Returns these typed outputs with other options. */
    public StructuredOutputs withOptions(StructuredOptions options) {
        return new StructuredOutputs(generate, stream, serverHasJsonSchema, options);
    }

    /** Asks for a {@code T} and emits it, validated and mapped; see {@link #generateWithResponse}. */
    public <T> Mono<T> generate(ChatRequest request, Class<T> type) {
        return generateWithResponse(request, type).map(StructuredResponse::value);
    }

    /**
     * Asks for a {@code T} and emits it with the response it came from. An answer that is not JSON,
     * breaks the schema or cannot be mapped is sent back to the model with what was wrong, up to
     * {@link StructuredOptions#maxRepairs()} times, then fails with {@link StructuredOutputException}.
     */
    public <T> Mono<StructuredResponse<T>> generateWithResponse(ChatRequest request, Class<T> type) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(type, "type");
        return TypeBinding.async(type)
                .flatMap(binding -> attempt(shape(request, binding.name(), binding.objectSchemaJson()), binding, 1));
    }

    private <T> Mono<StructuredResponse<T>> attempt(ChatRequest request, TypeBinding<T> binding, int attempt) {
        return generate.apply(request).flatMap(response -> {
            try {
                return Mono.just(new StructuredResponse<>(AnswerReader.read(response, binding), response, attempt));
            } catch (StructuredOutputException e) {
                if (e.isRepairable() && attempt <= options.maxRepairs()) {
                    return attempt(RequestShaper.repair(request, e), binding, attempt + 1);
                }
                return Mono.error(e);
            }
        });
    }

    /**
     * Streams snapshots of a {@code T} as its JSON grows: after each chunk that changed it, the value
     * so far (fields not yet written are null, zero or empty; a string being written holds its text
     * so far). Equal consecutive snapshots are emitted once. The last one is complete and validated;
     * the Flux then completes, or fails with {@link StructuredOutputException} when the whole answer
     * does not conform. The answer is parsed incrementally: each character once.
     */
    public <T> Flux<T> streamPartials(ChatRequest request, Class<T> type) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(type, "type");
        return TypeBinding.async(type).flatMapMany(binding -> {
            PartialStream<T> state = new PartialStream<>(binding);
            return stream.apply(shape(request, binding.name(), binding.objectSchemaJson()))
                    .<T>handle(state::onChunk)
                    .concatWith(Mono.fromCallable(state::finish));
        });
    }

    /**
     * Streams the elements of a list answer, each the moment its closing bracket arrives, validated
     * against {@code E}'s schema and mapped: a pipeline can act on the first while the model writes
     * the fiftieth. The model is asked for {@code {"items": [<E>, ...]}}. An element that breaks the
     * schema fails the Flux with {@link StructuredOutputException} (its violations point into
     * {@code /items/<index>}); so does an answer cut off or refused after the elements so far.
     */
    public <E> Flux<E> streamElements(ChatRequest request, Class<E> elementType) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(elementType, "elementType");
        return TypeBinding.async(elementType).flatMapMany(binding -> {
            ElementStream<E> state = new ElementStream<>(binding);
            return stream.apply(shape(request, binding.name() + "_list", binding.listSchemaJson()))
                    .concatMapIterable(state::onChunk)
                    .concatWith(Mono.fromRunnable(state::finish));
        });
    }

    /**
     * Reads text a model wrote against {@code type}'s schema (from any source: another API, a
     * file): parsed (one markdown fence allowed), validated and mapped.
     *
     * @throws StructuredOutputException when it is not JSON, breaks the schema or cannot be mapped
     * @throws IllegalArgumentException when strict mode cannot express {@code type}
     */
    public static <T> T parse(String text, Class<T> type) {
        Objects.requireNonNull(text, "text");
        TypeBinding<T> binding = TypeBinding.of(Objects.requireNonNull(type, "type"));
        if (text.isBlank()) {
            throw new StructuredOutputException("The model returned no answer text", text, java.util.List.of(),
                    null, null, true, null);
        }
        var answer = AnswerReader.parse(text, null, null, binding);
        var violations = binding.validateAnswer(answer);
        if (!violations.isEmpty()) {
            throw AnswerReader.schemaBroken(binding, text, violations, null, null);
        }
        return AnswerReader.map(binding, answer, text, null, null);
    }

    private ChatRequest shape(ChatRequest request, String name, String schemaJson) {
        boolean jsonSchema = switch (options.mode()) {
            case AUTO -> serverHasJsonSchema;
            case JSON_SCHEMA -> true;
            case JSON_OBJECT -> false;
        };
        return RequestShaper.shape(request, options.schemaName() != null ? options.schemaName() : name, schemaJson,
                jsonSchema, options.strict());
    }
}
