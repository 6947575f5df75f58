package dev.fluxllm.tools;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.Tool;
import dev.fluxllm.internal.observe.CallTracer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Holds what a tool loop was built with; {@code tracer} (null without a client) tells the client's
 * listeners that hear tool loops about the loop and its tools.
 */
record ToolLoopSettings(Function<ChatRequest, Mono<ChatResponse>> generate,
                               Function<ChatRequest, Flux<ChatChunk>> stream,
                               Map<String, Registered> tools, List<ToolSource> sources, int maxTurns, int toolConcurrency,
                               int maxCorrections, boolean streaming, boolean failOnToolError,
                               CallTracer tracer, String defaultModel) {

    /** Returns the tool of this name, registered or offered by a source now; null when none is. */
    Registered lookup(String name) {
        Registered r = tools.get(name);
        if (r != null) {
            return r;
        }
        for (ToolSource s : sources) {
            ToolExecutor e = s.executor(name);
            if (e != null) {
                for (Tool t : s.tools()) {
                    if (t.name().equals(name)) {
                        return new Registered(t, e);
                    }
                }
            }
        }
        return null;
    }

    /** Returns the tools the sources offer now, for this round's request. */
    List<Tool> sourceTools() {
        if (sources.isEmpty()) {
            return List.of();
        }
        List<Tool> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>(tools.keySet());
        for (ToolSource s : sources) {
            for (Tool t : s.tools()) {
                // A name taken since build (a list change) goes to the first that had it.
                if (seen.add(t.name())) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Returns every name offered now, for the model's correction. */
    List<String> allNames() {
        List<String> names = new java.util.ArrayList<>(tools.keySet());
        sourceTools().forEach(t -> names.add(t.name()));
        return names;
    }

    /** A tool's declaration and what runs it. */
    record Registered(Tool tool, ToolExecutor executor) {
    }
}
