package dev.fluxllm.tools;

import dev.fluxllm.SchemaViolation;
import dev.fluxllm.ToolCall;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** Runs a handler that takes the arguments as a map; any JSON object may run. */
record MapToolExecutor(Function<Map<String, Object>, Mono<String>> handler) implements ToolExecutor {

    @Override
    public List<SchemaViolation> check(ToolCall call) {
        return List.of();
    }

    @Override
    public Mono<String> execute(ToolCall call) {
        return Mono.defer(() -> handler.apply(call.parsedArguments()));
    }
}
