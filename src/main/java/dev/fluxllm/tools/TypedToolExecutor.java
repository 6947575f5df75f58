package dev.fluxllm.tools;

import dev.fluxllm.SchemaViolation;
import dev.fluxllm.ToolCall;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Runs a handler that takes its arguments as a Java type: a call whose arguments break the type's
 * schema never reaches it. The handler's result is sent as it is when it is a {@code String},
 * else as JSON.
 */
final class TypedToolExecutor<A> implements ToolExecutor {

    private final TypeBinding<A> binding;
    private final Class<A> type;
    private final Function<A, Mono<?>> handler;

    TypedToolExecutor(Class<A> type, Function<A, Mono<?>> handler) {
        this.binding = TypeBinding.of(type);
        this.type = type;
        this.handler = handler;
    }

    /** Returns the binding, whose schema is the tool's parameters. */
    TypeBinding<A> binding() {
        return binding;
    }

    @Override
    public List<SchemaViolation> check(ToolCall call) {
        return binding.validate(call.arguments().isBlank() ? Json.MAPPER.createObjectNode()
                : Json.MAPPER.readTree(call.arguments()));
    }

    @Override
    public Mono<String> execute(ToolCall call) {
        return Mono.defer(() -> handler.apply(call.parsedArguments(type)))
                .map(result -> result instanceof String s ? s : Json.MAPPER.writeValueAsString(result));
    }
}
