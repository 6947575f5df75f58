package dev.fluxllm.tools;

import dev.fluxllm.SchemaViolation;
import dev.fluxllm.ToolCall;
import java.util.List;
import reactor.core.publisher.Mono;

/** Runs one registered tool: first says whether a call may run at all, then runs it. */
interface ToolExecutor {

    /** Returns how the call's arguments break the tool's schema; empty when it may run. Called only for JSON-object arguments. */
    List<SchemaViolation> check(ToolCall call);

    /** Runs the call and emits the text for the model; empty means "". */
    Mono<String> execute(ToolCall call);
}
