package dev.fluxllm.tools;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.Tool;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Holds what a tool loop was built with. */
record ToolLoopSettings(Function<ChatRequest, Mono<ChatResponse>> generate,
                               Function<ChatRequest, Flux<ChatChunk>> stream,
                               Map<String, Registered> tools, int maxTurns, int toolConcurrency,
                               int maxCorrections, boolean streaming, boolean failOnToolError) {

    /** A tool's declaration and what runs it. */
    record Registered(Tool tool, ToolExecutor executor) {
    }
}
