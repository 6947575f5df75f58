package dev.fluxllm.tools;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.internal.endpoints.ClientParts;
import dev.fluxllm.internal.observe.CallTracer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a conversation in which the model may call tools: call the model, run the tools it asks
 * for (several at once, bounded), append the assistant message and the tool results, and call the
 * model again, until it answers without tool calls or the turn limit is hit.
 *
 * <pre>{@code
 * ToolLoop loop = ToolLoop.builder()
 *     .client(client)
 *     .tool(Tool.function("get_weather", "Weather for a city",
 *             "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
 *           args -> weather.lookup((String) args.get("city")))      // Mono<String>
 *     .build();
 * loop.run(ChatRequest.builder().user("Weather in Paris?").build())
 *     .subscribe(result -> System.out.println(result.text()));
 * }</pre>
 *
 * <p>A call whose arguments are not a JSON object, break the schema of a typed tool
 * ({@link Builder#tool(String, String, Class, Function)}), or that names no registered tool, is never
 * run: the model gets a tool message saying what was wrong and is asked again, at most
 * {@code maxCorrections} times, after which the loop fails with {@link MalformedToolCallException}.
 * When one call of a response is refused, none of that response's calls run. A tool that fails
 * becomes a tool message {@code "Error: ..."} unless {@link Builder#failOnToolError(boolean)} is
 * set, in which case the loop fails with {@link ToolExecutionException}.
 *
 * <p>A loop is immutable and may be shared; every subscription runs a new conversation. Cancelling
 * cancels the model call or the tools in flight.
 */
public final class ToolLoop {

    /** Default most model calls in one conversation: 10. */
    public static final int DEFAULT_MAX_TURNS = 10;
    /** Default most tools running at once: 4. */
    public static final int DEFAULT_TOOL_CONCURRENCY = 4;
    /** Default most times the model is asked to correct a malformed or unknown call: 2. */
    public static final int DEFAULT_MAX_CORRECTIONS = 2;

    private final ToolLoopSettings settings;

    private ToolLoop(ToolLoopSettings settings) {
        this.settings = settings;
    }

    /** Starts a loop; a client (or model functions) and at least one tool are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the conversation that starts with {@code request} and emits its result. The request's
     * model and options are used for every turn; the registered tools are added to it.
     */
    public Mono<ToolLoopResult> run(ChatRequest request) {
        return events(request).last()
                .map(event -> ((ToolLoopEvent.Finished) event).result());
    }

    /**
     * Runs the conversation and emits what happens as it happens; the last event is
     * {@link ToolLoopEvent.Finished}. With {@link Builder#streaming(boolean) streaming} on, content
     * arrives as the model streams it; otherwise each turn's text arrives as one delta.
     */
    public Flux<ToolLoopEvent> events(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        Flux<ToolLoopEvent> run = Flux.defer(() -> new ToolLoopRun(settings, request).events());
        CallTracer tracer = settings.tracer();
        if (tracer == null) {
            return run;
        }
        String model = request.model() != null ? request.model() : settings.defaultModel();
        return tracer.flux("tool_loop", "", model, request, run, e -> false, e -> null);
    }

    /** Returns the declarations of the tools offered now: registered ones in order, then the MCP servers'. */
    public List<Tool> tools() {
        List<Tool> all = new java.util.ArrayList<>();
        settings.tools().values().forEach(r -> all.add(r.tool()));
        all.addAll(settings.sourceTools());
        return List.copyOf(all);
    }

    /** Returns the most model calls in one conversation. */
    public int maxTurns() {
        return settings.maxTurns();
    }

    /** Returns the most tools running at once. */
    public int toolConcurrency() {
        return settings.toolConcurrency();
    }

    /** Returns the most times the model is asked to correct a refused call. */
    public int maxCorrections() {
        return settings.maxCorrections();
    }

    /**
     * Returns why a call must not run (no such tool, arguments not a JSON object or breaking the
     * tool's schema) as the refused invocation whose result tells the model; empty when it may run.
     */
    public java.util.Optional<ToolInvocation> check(int turn, ToolCall call) {
        return java.util.Optional.ofNullable(ToolLoopRun.refusal(settings, turn, Objects.requireNonNull(call, "call")));
    }

    /**
     * Runs one call as the loop would, for loops over other APIs (the Responses API's): a call
     * that names no tool, has arguments that are not a JSON object or break the tool's schema is
     * not run and comes back refused ({@code UNKNOWN_TOOL}, {@code MALFORMED_ARGUMENTS}) with the
     * text to tell the model; a failing tool comes back {@code FAILED}, or fails with
     * {@link ToolExecutionException} under {@link Builder#failOnToolError(boolean)}.
     */
    public Mono<ToolInvocation> invoke(int turn, ToolCall call) {
        Objects.requireNonNull(call, "call");
        return Mono.defer(() -> {
            ToolInvocation refused = ToolLoopRun.refusal(settings, turn, call);
            return refused != null ? Mono.just(refused) : ToolLoopRun.run(settings, turn, call);
        });
    }

    /** Builds a {@link ToolLoop}; every setter validates its value. */
    public static final class Builder {
        private Function<ChatRequest, Mono<ChatResponse>> generate;
        private Function<ChatRequest, Flux<ChatChunk>> stream;
        private final Map<String, ToolLoopSettings.Registered> tools = new LinkedHashMap<>();
        private final List<ToolSource> sources = new java.util.ArrayList<>();
        private int maxTurns = DEFAULT_MAX_TURNS;
        private int toolConcurrency = DEFAULT_TOOL_CONCURRENCY;
        private int maxCorrections = DEFAULT_MAX_CORRECTIONS;
        private boolean streaming;
        private boolean failOnToolError;
        private CallTracer tracer;
        private String defaultModel;

        private Builder() {
        }

        /** Calls the model through this client's {@code generate} and {@code stream}. */
        public Builder client(OpenAiCompatClient client) {
            Objects.requireNonNull(client, "client");
            this.generate = client::generate;
            this.stream = client::stream;
            ClientParts parts = ClientParts.of(client);
            this.tracer = parts.tracer().forToolLoops();
            this.defaultModel = parts.defaultModel();
            return this;
        }

        /** Calls the model through a function instead of a client (a router, a test fake). */
        public Builder model(Function<ChatRequest, Mono<ChatResponse>> generate) {
            this.generate = Objects.requireNonNull(generate, "generate");
            return this;
        }

        /** Streams the model through a function instead of a client, when {@link #streaming} is on. */
        public Builder streamingModel(Function<ChatRequest, Flux<ChatChunk>> stream) {
            this.stream = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Registers a tool: its declaration, sent to the model, and what runs it, given the parsed
         * arguments and returning the text for the model. A handler that completes empty returns "".
         */
        public Builder tool(Tool tool, Function<Map<String, Object>, Mono<String>> handler) {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(handler, "handler");
            return register(tool, new MapToolExecutor(handler));
        }

        /**
         * Registers a tool whose arguments are {@code argumentsType}: its strict JSON Schema is sent
         * as the parameters, and each call's arguments are validated against it and mapped to it
         * before {@code handler} runs. A call whose arguments break the schema never reaches the
         * handler: the model gets a correction naming the violations (counted against
         * {@link #maxCorrections}). The handler's result is sent as it is when it is a
         * {@code String}, else as JSON; empty sends "".
         *
         * @throws IllegalArgumentException when strict mode cannot express the type
         */
        public <A> Builder tool(String name, String description, Class<A> argumentsType,
                                Function<A, Mono<?>> handler) {
            Objects.requireNonNull(handler, "handler");
            return register(Tool.from(name, description, argumentsType), new TypedToolExecutor<>(argumentsType, handler));
        }

        /**
         * Offers an MCP server's tools ({@code dev.fluxllm.mcp.McpTools}); several servers may be
         * added, each with its own name prefix. Their lists are read again before every model
         * round, so a {@code list_changed} notification takes effect at the next one.
         *
         * @throws IllegalArgumentException (at {@link #build()}) when two servers, or a server and a
         *         registered tool, offer the same name: give one a prefix
         */
        public Builder tools(dev.fluxllm.mcp.McpTools mcp) {
            sources.add(new McpSource(Objects.requireNonNull(mcp, "mcp")));
            return this;
        }

        private Builder register(Tool tool, ToolExecutor executor) {
            if (tools.containsKey(tool.name())) {
                throw new IllegalArgumentException("tool '" + tool.name() + "' is registered twice");
            }
            tools.put(tool.name(), new ToolLoopSettings.Registered(tool, executor));
            return this;
        }

        /** Registers a tool from its name, description and JSON schema; see {@link #tool(Tool, Function)}. */
        public Builder tool(String name, String description, String jsonSchema,
                            Function<Map<String, Object>, Mono<String>> handler) {
            return tool(Tool.function(name, description, jsonSchema), handler);
        }

        /** Sets the most model calls, at least 1 (default {@value ToolLoop#DEFAULT_MAX_TURNS}). */
        public Builder maxTurns(int maxTurns) {
            this.maxTurns = atLeast("maxTurns", maxTurns, 1);
            return this;
        }

        /** Sets the most tools running at once when a response asks for several, at least 1 (default {@value ToolLoop#DEFAULT_TOOL_CONCURRENCY}). */
        public Builder toolConcurrency(int toolConcurrency) {
            this.toolConcurrency = atLeast("toolConcurrency", toolConcurrency, 1);
            return this;
        }

        /** Sets the most times the model is asked to correct a refused call, at least 0 (default {@value ToolLoop#DEFAULT_MAX_CORRECTIONS}). */
        public Builder maxCorrections(int maxCorrections) {
            this.maxCorrections = atLeast("maxCorrections", maxCorrections, 0);
            return this;
        }

        /** Sets whether the model is streamed, so content arrives as deltas (default off). */
        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        /** Sets whether a failing tool ends the loop with {@link ToolExecutionException} (default off: the model is told the error). */
        public Builder failOnToolError(boolean failOnToolError) {
            this.failOnToolError = failOnToolError;
            return this;
        }

        /** Builds the loop; fails when no model, no stream for streaming, or no tool is set. */
        public ToolLoop build() {
            if (generate == null && !(streaming && stream != null)) {
                throw new IllegalArgumentException("client is not set: call client(..) or model(..)");
            }
            if (streaming && stream == null) {
                throw new IllegalArgumentException("streaming needs a client or a streamingModel(..)");
            }
            if (tools.isEmpty() && sources.isEmpty()) {
                throw new IllegalArgumentException("tools are empty: register at least one tool");
            }
            Map<String, String> owners = new LinkedHashMap<>();
            tools.keySet().forEach(n -> owners.put(n, "a registered tool"));
            for (ToolSource s : sources) {
                for (Tool t : s.tools()) {
                    String other = owners.putIfAbsent(t.name(), "MCP server '" + s.name() + "'");
                    if (other != null) {
                        throw new IllegalArgumentException("tool '" + t.name() + "' is offered by both " + other
                                + " and MCP server '" + s.name() + "': give one of them a prefix (McpToolsOptions.prefix)");
                    }
                }
            }
            return new ToolLoop(new ToolLoopSettings(generate, stream, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tools)), List.copyOf(sources), maxTurns,
                    toolConcurrency, maxCorrections, streaming, failOnToolError,
                    tracer != null && tracer.enabled() ? tracer : null, defaultModel));
        }

        private static int atLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
