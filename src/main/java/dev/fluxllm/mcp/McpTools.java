package dev.fluxllm.mcp;

import dev.fluxllm.SchemaViolation;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.schema.SchemaCheck;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * Offers one MCP server's tools to a tool loop ({@code ToolLoop.Builder.tools(McpTools)}): each
 * tool the server lists (all pages) becomes a FluxLLM {@link Tool} (name with the optional prefix,
 * description, its {@code inputSchema} as parameters, {@code strict} only where the schema allows
 * it), and each call the model makes is checked against that {@code inputSchema} before it reaches
 * the server (a call that breaks it is sent back to the model as a correction). Results: text parts
 * joined, {@code structuredContent} as JSON when present, images and resources summarised, all
 * capped; {@code isError: true} goes back to the model as the tool's error text.
 *
 * <p>Untrusted metadata is handled safely: a tool whose name does not fit OpenAI's function names
 * ({@code ^[a-zA-Z0-9_-]{1,64}$}) is left out and reported in {@link #rejected()}, never renamed;
 * descriptions and results are cut to the configured sizes. A server that fails a call itself
 * (connection gone, protocol error, timeout) fails that call with {@link McpToolException}, which
 * the loop reports to the model once; after a connection failure the server's tools are no longer
 * offered. Thread-safe.
 */
public final class McpTools {

    private static final Logger log = Loggers.getLogger(McpTools.class);
    private static final AtomicLong CALLS = new AtomicLong();
    private static final Pattern FUNCTION_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final McpAsyncClient client;
    private final McpToolsOptions options;
    private final String server;
    private volatile Listing listing;
    private volatile String failure;

    /** The tools offered and the ones left out, replaced whole on a list change. */
    private record Listing(Map<String, Binding> byName, List<RejectedTool> rejected) {
    }

    /** One offered tool: its declaration, the server's name for it, its compiled input schema. */
    private record Binding(Tool tool, String serverName, SchemaCheck schema) {
    }

    private McpTools(McpAsyncClient client, McpToolsOptions options, String server) {
        this.client = client;
        this.options = options;
        this.server = server;
    }

    /** Lists {@code client}'s tools (every page) and offers them; initializes the client first if needed. */
    public static Mono<McpTools> from(McpAsyncClient client) {
        return from(client, McpToolsOptions.defaults());
    }

    /** Lists {@code client}'s tools with these options; see {@link #from(McpAsyncClient)}. */
    public static Mono<McpTools> from(McpAsyncClient client, McpToolsOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        Mono<?> ready = client.isInitialized() ? Mono.empty() : client.initialize();
        // Schemas are compiled off the event loops: the first compile reads the validator's resources.
        return ready.then(Mono.defer(client::listTools)).publishOn(Schedulers.boundedElastic()).map(result -> {
            McpSchema.Implementation info = client.getServerInfo();
            McpTools tools = new McpTools(client, options, info == null ? "mcp" : info.name());
            tools.replace(result.tools());
            if (options.changes() != null) {
                options.changes().bind(tools);
            }
            return tools;
        });
    }

    /** Returns the server's name, as it introduced itself. */
    public String server() {
        return server;
    }

    /** Returns the tools offered now, empty once the server failed. */
    public List<Tool> tools() {
        if (failure != null) {
            return List.of();
        }
        return listing.byName().values().stream().map(Binding::tool).toList();
    }

    /** Returns whether a tool of this name (prefix included) is offered now. */
    public boolean provides(String name) {
        return failure == null && listing.byName().containsKey(name);
    }

    /** Returns the tools the server listed that are not offered, and why. */
    public List<RejectedTool> rejected() {
        return listing.rejected();
    }

    /** Lists the server's tools again (as a {@code list_changed} notification would). */
    public Mono<McpTools> refresh() {
        return Mono.defer(client::listTools).publishOn(Schedulers.boundedElastic()).map(result -> {
            replace(result.tools());
            return this;
        });
    }

    /** Returns how the call's arguments break the tool's {@code inputSchema}; empty when it may be sent. */
    public List<SchemaViolation> check(ToolCall call) {
        Binding b = listing.byName().get(call.name());
        if (b == null || b.schema() == null) {
            return List.of();
        }
        return b.schema().validate(call.arguments().isBlank() ? Json.MAPPER.createObjectNode()
                : Json.MAPPER.readTree(call.arguments()));
    }

    /**
     * Sends the call to the server and emits the text for the model. A result with
     * {@code isError: true} is the tool's error text ({@code "Error: ..."}), not a failure.
     *
     * @return a Mono failing with {@link McpToolException} when the server fails the call itself;
     *         cancelling it abandons the call (and tells the server, with {@link McpToolsOptions#cancellation()})
     */
    public Mono<String> call(ToolCall call) {
        return Mono.defer(() -> {
            String dead = failure;
            if (dead != null) {
                return Mono.error(new McpToolException(server, call.name(), "MCP server '" + server
                        + "' is unavailable (" + dead + "): its tools are no longer called", null));
            }
            Binding b = listing.byName().get(call.name());
            if (b == null) {
                return Mono.error(new McpToolException(server, call.name(), "MCP server '" + server
                        + "' offers no tool '" + call.name() + "'", null));
            }
            Map<String, Object> arguments = call.arguments().isBlank() ? Map.of() : Json.MAPPER.readValue(call.arguments(), MAP);
            // Not UUID.randomUUID(): SecureRandom may read /dev/urandom, a blocking call on an event loop.
            String tag = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-" + CALLS.incrementAndGet();
            McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder().name(b.serverName())
                    .arguments(arguments).meta(Map.of(McpCancellation.TAG, tag)).build();
            McpCancellation cancellation = options.cancellation();
            return client.callTool(request)
                    .timeout(options.callTimeout())
                    .map(result -> McpResults.text(result, options.maxResultChars()))
                    .doOnCancel(() -> {
                        if (cancellation != null) {
                            cancellation.cancel(tag, "the tool loop was cancelled").subscribe(v -> { },
                                    e -> log.debug("cancel notification to {} failed: {}", server, e.toString()));
                        }
                    })
                    .doFinally(s -> {
                        if (cancellation != null) {
                            cancellation.done(tag);
                        }
                    })
                    .onErrorMap(e -> !(e instanceof McpToolException), e -> failed(call, e));
        });
    }

    private McpToolException failed(ToolCall call, Throwable e) {
        if (e instanceof TimeoutException) {
            return new McpToolException(server, call.name(), "MCP tool '" + call.name() + "' on '" + server
                    + "' did not answer within " + options.callTimeout(), e);
        }
        boolean protocolError = e instanceof io.modelcontextprotocol.spec.McpError;
        if (!protocolError) {
            // The connection failed: this server is not called again.
            failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return new McpToolException(server, call.name(), "MCP server '" + server + "' failed tools/call '"
                + call.name() + "': " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    /** Takes a new tool list from the server: checked, converted and swapped in whole. */
    void replace(List<McpSchema.Tool> serverTools) {
        Map<String, Binding> byName = new LinkedHashMap<>();
        List<RejectedTool> rejected = new ArrayList<>();
        for (McpSchema.Tool t : serverTools) {
            String name = options.prefix() + (t.name() == null ? "" : t.name());
            if (t.name() == null || !FUNCTION_NAME.matcher(name).matches()) {
                rejected.add(new RejectedTool(server, String.valueOf(t.name()), "the name '" + name
                        + "' does not match ^[a-zA-Z0-9_-]{1,64}$, which function names must"));
                continue;
            }
            if (byName.containsKey(name)) {
                rejected.add(new RejectedTool(server, t.name(), "the server lists '" + name + "' twice"));
                continue;
            }
            JsonNode schema = t.inputSchema() == null ? Json.MAPPER.createObjectNode().put("type", "object")
                    : Json.MAPPER.valueToTree(t.inputSchema());
            SchemaCheck check;
            try {
                check = SchemaCheck.compile(schema);
            } catch (IllegalArgumentException e) {
                rejected.add(new RejectedTool(server, t.name(), "its inputSchema is not a valid JSON Schema: " + e.getMessage()));
                continue;
            }
            String description = McpResults.cap(t.description() == null ? t.title() : t.description(),
                    options.maxDescriptionChars());
            Tool tool = new Tool(name, description, schema.toString(), StrictFit.allows(schema) ? Boolean.TRUE : null);
            byName.put(name, new Binding(tool, t.name(), check));
        }
        for (RejectedTool r : rejected) {
            log.warn("MCP server '{}': tool '{}' left out: {}", server, r.name(), r.reason());
        }
        this.listing = new Listing(byName, List.copyOf(rejected));
    }

    @Override
    public String toString() {
        return "McpTools[server=" + server + ", tools=" + listing.byName().keySet() + "]";
    }
}
