package dev.fluxllm.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.ToolCall;
import dev.fluxllm.samples.InProcessMcp;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import dev.fluxllm.tools.ToolInvocation;
import dev.fluxllm.tools.ToolLoop;
import dev.fluxllm.tools.ToolLoopResult;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** MCP servers' tools in the tool loop, against in-process servers built with the SDK's server side. */
class McpToolsTest {

    static final Duration VERIFY = Duration.ofSeconds(10);
    static final ChatRequest ASK = ChatRequest.builder().user("Weather in Paris?").build();
    static final Map<String, Object> CITY_SCHEMA = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"), "additionalProperties", false);

    final ScriptedLlmServer model = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(model.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.none()).build();
    final List<AutoCloseable> closing = new ArrayList<>();
    final List<Map<String, Object>> weatherCalls = new CopyOnWriteArrayList<>();
    final AtomicInteger slowStarted = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        for (AutoCloseable c : closing) {
            c.close();
        }
        client.close();
        model.close();
    }

    McpServerFeatures.AsyncToolSpecification tool(String name, Map<String, Object> schema,
                                                   java.util.function.Function<Map<String, Object>, Mono<McpSchema.CallToolResult>> handler) {
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description("The " + name + " tool").inputSchema(schema).build())
                .callHandler((exchange, request) -> handler.apply(request.arguments()))
                .build();
    }

    McpServerFeatures.AsyncToolSpecification weather() {
        return tool("get_weather", CITY_SCHEMA, args -> {
            weatherCalls.add(args);
            return Mono.just(McpSchema.CallToolResult.builder().addTextContent("Sunny in " + args.get("city")).build());
        });
    }

    McpServerFeatures.AsyncToolSpecification slow() {
        return tool("slow_search", CITY_SCHEMA, args -> {
            slowStarted.incrementAndGet();
            return Mono.never();
        });
    }

    /** A server and a client connected in memory, both closed after the test. */
    record Pair(InProcessMcp transport, McpAsyncServer server, McpAsyncClient client, McpCancellation cancellation) {
    }

    Pair connect(String serverName, McpToolChanges changes, McpServerFeatures.AsyncToolSpecification... tools) {
        InProcessMcp transport = new InProcessMcp();
        McpAsyncServer server = McpServer.async(transport).serverInfo(serverName, "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build()).tools(tools).build();
        McpCancellation cancellation = McpCancellation.wrap(transport.clientTransport());
        McpClient.AsyncSpec spec = McpClient.async(cancellation).requestTimeout(Duration.ofSeconds(5));
        if (changes != null) {
            spec.toolsChangeConsumer(changes::onToolsChanged);
        }
        McpAsyncClient mcp = spec.build();
        closing.add(mcp::close);
        closing.add(server::close);
        return new Pair(transport, server, mcp, cancellation);
    }

    McpTools toolsOf(Pair pair, McpToolsOptions.Builder options) {
        return McpTools.from(pair.client(), options.cancellation(pair.cancellation()).build()).block(VERIFY);
    }

    @Test
    void serverToolsBecomeFluxLlmToolsWithTheirSchemas() {
        McpTools tools = toolsOf(connect("weather", null, weather(), slow()), McpToolsOptions.builder());

        assertThat(tools.server()).isEqualTo("weather");
        assertThat(tools.tools()).extracting(t -> t.name()).containsExactly("get_weather", "slow_search");
        assertThat(tools.tools().get(0).description()).isEqualTo("The get_weather tool");
        assertThat(tools.tools().get(0).parametersJson()).contains("\"city\"");
        assertThat(tools.tools().get(0).strict()).as("the schema fits strict mode").isTrue();
        assertThat(tools.rejected()).isEmpty();
    }

    @Test
    void aLoopCallsOneToolThenAnswers() {
        McpTools tools = toolsOf(connect("weather", null, weather()), McpToolsOptions.builder());
        model.enqueue(Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
        model.enqueue(Reply.text("Sunny."));

        ToolLoopResult result = ToolLoop.builder().client(client).tools(tools).build().run(ASK).block(VERIFY);

        assertThat(result.text()).isEqualTo("Sunny.");
        assertThat(weatherCalls).containsExactly(Map.of("city", "Paris"));
        assertThat(result.invocations()).singleElement().satisfies(i -> assertThat(i.result()).isEqualTo("Sunny in Paris"));
        JsonNode declared = model.requests().get(0).json().path("tools");
        assertThat(declared.get(0).at("/function/name").asString()).isEqualTo("get_weather");
    }

    @Test
    void twoCallsRunInParallelAcrossTwoPrefixedServers() {
        McpTools paris = toolsOf(connect("paris", null, weather()), McpToolsOptions.builder().prefix("p_"));
        McpTools rome = toolsOf(connect("rome", null, weather()), McpToolsOptions.builder().prefix("r_"));
        model.enqueue(Reply.toolCall("c1", "p_get_weather", "{\"city\":\"Paris\"}").andToolCall("c2", "r_get_weather", "{\"city\":\"Rome\"}"));
        model.enqueue(Reply.text("Both sunny."));

        ToolLoopResult result = ToolLoop.builder().client(client).tools(paris).tools(rome).build().run(ASK).block(VERIFY);

        assertThat(result.invocations()).extracting(ToolInvocation::result).containsExactly("Sunny in Paris", "Sunny in Rome");
        assertThat(weatherCalls).hasSize(2);
    }

    @Test
    void aCollisionWithoutPrefixFailsAtBuildNamingBothServers() {
        McpTools a = toolsOf(connect("alpha", null, weather()), McpToolsOptions.builder());
        McpTools b = toolsOf(connect("beta", null, weather()), McpToolsOptions.builder());

        assertThatThrownBy(() -> ToolLoop.builder().client(client).tools(a).tools(b).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha").hasMessageContaining("beta").hasMessageContaining("prefix");
    }

    @Test
    void aSchemaBreakingCallIsCorrectedWithoutReachingTheServer() {
        Pair pair = connect("weather", null, weather());
        McpTools tools = toolsOf(pair, McpToolsOptions.builder());
        model.enqueue(Reply.toolCall("c1", "get_weather", "{\"town\":\"Paris\"}"));
        model.enqueue(Reply.toolCall("c2", "get_weather", "{\"city\":\"Paris\"}"));
        model.enqueue(Reply.text("Sunny."));

        ToolLoopResult result = ToolLoop.builder().client(client).tools(tools).build().run(ASK).block(VERIFY);

        assertThat(result.invocations()).extracting(ToolInvocation::status).as(result.invocations().toString())
                .containsExactly(ToolInvocation.Status.MALFORMED_ARGUMENTS, ToolInvocation.Status.SUCCEEDED);
        assertThat(weatherCalls).containsExactly(Map.of("city", "Paris"));
        long calls = pair.transport().serverReceived.stream()
                .filter(m -> m instanceof McpSchema.JSONRPCRequest r && r.method().equals("tools/call")).count();
        assertThat(calls).as("the bad call never reached the server").isEqualTo(1);
    }

    @Test
    void isErrorResultsGoBackToTheModelAsTheToolsErrorText() {
        McpTools tools = toolsOf(connect("weather", null, tool("get_weather", CITY_SCHEMA,
                args -> Mono.just(McpSchema.CallToolResult.builder().addTextContent("No such city").isError(true).build()))),
                McpToolsOptions.builder());
        model.enqueue(Reply.toolCall("c1", "get_weather", "{\"city\":\"Atlantis\"}"));
        model.enqueue(Reply.text("Sorry."));

        ToolLoopResult result = ToolLoop.builder().client(client).tools(tools).build().run(ASK).block(VERIFY);

        assertThat(result.invocations()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(ToolInvocation.Status.SUCCEEDED);
            assertThat(i.result()).isEqualTo("Error: No such city");
        });
        assertThat(model.requests().get(1).json().path("messages").get(2).path("content").asString())
                .isEqualTo("Error: No such city");
    }

    @Test
    void structuredContentIsSentAsJsonAndResultsAreBounded() {
        McpTools tools = toolsOf(connect("weather", null,
                tool("structured", CITY_SCHEMA, args -> Mono.just(McpSchema.CallToolResult.builder()
                        .structuredContent(Map.of("temperature", 21)).addTextContent("ignored").build())),
                tool("long", CITY_SCHEMA, args -> Mono.just(McpSchema.CallToolResult.builder()
                        .addTextContent("x".repeat(10_000)).build()))),
                McpToolsOptions.builder().maxResultChars(200));

        assertThat(tools.call(new ToolCall("c", "structured", "{\"city\":\"a\"}")).block(VERIFY)).isEqualTo("{\"temperature\":21}");
        String cut = tools.call(new ToolCall("c", "long", "{\"city\":\"a\"}")).block(VERIFY);
        assertThat(cut).hasSize(200).endsWith("more characters cut]");
    }

    @Test
    void toolsListedAcrossPagesAreAllOffered() {
        List<McpServerFeatures.AsyncToolSpecification> many = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            many.add(tool("tool_" + i, CITY_SCHEMA, args -> Mono.just(McpSchema.CallToolResult.builder().build())));
        }
        McpTools tools = toolsOf(connect("many", null, many.toArray(McpServerFeatures.AsyncToolSpecification[]::new)),
                McpToolsOptions.builder());
        assertThat(tools.tools()).hasSize(120);
    }

    @Test
    void listChangedRefreshesTheToolsBeforeTheNextRound() {
        McpToolChanges changes = McpToolChanges.create();
        Pair pair = connect("weather", changes, weather());
        McpTools tools = toolsOf(pair, McpToolsOptions.builder().changes(changes));
        model.enqueue(Reply.toolCall("c1", "get_weather", "{\"city\":\"Paris\"}"));
        model.enqueue(Reply.text("Done."));
        ToolLoop loop = ToolLoop.builder().client(client).tools(tools).build();

        pair.server().addTool(tool("get_time", CITY_SCHEMA,
                args -> Mono.just(McpSchema.CallToolResult.builder().addTextContent("noon").build()))).block(VERIFY);
        Eventually.await(() -> tools.provides("get_time"), Duration.ofSeconds(5), "list_changed applied");
        loop.run(ASK).block(VERIFY);

        assertThat(model.requests().get(0).json().path("tools")).extracting(t -> t.at("/function/name").asString())
                .containsExactly("get_weather", "get_time");
    }

    @Test
    void cancellingTheLoopCancelsTheCallAndTellsTheServer() {
        Pair pair = connect("search", null, slow());
        McpTools tools = toolsOf(pair, McpToolsOptions.builder());
        model.enqueue(Reply.toolCall("c1", "slow_search", "{\"city\":\"Paris\"}"));

        Disposable run = ToolLoop.builder().client(client).tools(tools).build().run(ASK).subscribe();
        Eventually.await(() -> slowStarted.get() == 1, Duration.ofSeconds(5), "the slow tool started");
        run.dispose();

        Eventually.await(() -> !pair.transport().notifications("notifications/cancelled").isEmpty(), Duration.ofSeconds(5),
                "the server was told");
        McpSchema.JSONRPCNotification cancelled = pair.transport().notifications("notifications/cancelled").get(0);
        Object callId = pair.transport().serverReceived.stream()
                .filter(m -> m instanceof McpSchema.JSONRPCRequest r && r.method().equals("tools/call"))
                .map(m -> ((McpSchema.JSONRPCRequest) m).id()).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) cancelled.params()).get("requestId")).isEqualTo(callId);
    }

    @Test
    void aCallOverItsTimeoutFailsAsAToolError() {
        McpTools tools = toolsOf(connect("search", null, slow()), McpToolsOptions.builder().callTimeout(Duration.ofMillis(200)));
        assertThatThrownBy(() -> tools.call(new ToolCall("c", "slow_search", "{\"city\":\"a\"}")).block(VERIFY))
                .isInstanceOf(McpToolException.class).hasMessageContaining("did not answer within");
    }

    @Test
    void aServerDyingMidCallFailsThatCallOnceThenIsNotCalledAgain() {
        Pair pair = connect("search", null, slow(), weather());
        McpTools tools = toolsOf(pair, McpToolsOptions.builder());
        model.enqueue(Reply.toolCall("c1", "slow_search", "{\"city\":\"Paris\"}"));
        model.enqueue(Reply.text("The search server is down."));
        ToolLoop loop = ToolLoop.builder().client(client).tools(tools).build();

        Mono<ToolLoopResult> run = loop.run(ASK).cache();
        run.subscribe();
        Eventually.await(() -> slowStarted.get() == 1, Duration.ofSeconds(5), "the slow tool started");
        pair.transport().kill();
        ToolLoopResult result = run.block(VERIFY);

        assertThat(result.invocations()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(ToolInvocation.Status.FAILED);
            assertThat(i.error()).isInstanceOf(McpToolException.class);
            assertThat(i.result()).contains("MCP server 'search' failed");
        });
        assertThat(tools.tools()).as("no longer offered").isEmpty();
        assertThat(model.requests().get(1).json().has("tools")).isFalse();
        assertThatThrownBy(() -> tools.call(new ToolCall("c", "get_weather", "{\"city\":\"a\"}")).block(VERIFY))
                .isInstanceOf(McpToolException.class).hasMessageContaining("unavailable");
    }

    @Test
    void aToolWithAnInvalidNameIsLeftOutAndReported() {
        // The SDK's server refuses such names itself: the names are swapped in on the wire, as a foreign server would send them.
        Pair pair = connect("weird", null, weather(),
                tool("bad_name", CITY_SCHEMA, args -> Mono.just(McpSchema.CallToolResult.builder().build())),
                tool("long_name", CITY_SCHEMA, args -> Mono.just(McpSchema.CallToolResult.builder().build())));
        pair.transport().rewriteServerMessages(json -> json.replace("\"name\":\"bad_name\"", "\"name\":\"bad name!\"")
                .replace("\"name\":\"long_name\"", "\"name\":\"" + "x".repeat(70) + "\""));
        McpTools tools = toolsOf(pair, McpToolsOptions.builder());

        assertThat(tools.tools()).extracting(t -> t.name()).containsExactly("get_weather");
        assertThat(tools.rejected()).extracting(RejectedTool::name).containsExactly("bad name!", "x".repeat(70));
        assertThat(tools.rejected().get(0).reason()).contains("^[a-zA-Z0-9_-]{1,64}$");
    }

    @Test
    void longDescriptionsAreCut() {
        McpServerFeatures.AsyncToolSpecification verbose = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("verbose").description("d".repeat(5000)).inputSchema(CITY_SCHEMA).build())
                .callHandler((e, r) -> Mono.just(McpSchema.CallToolResult.builder().build())).build();
        McpTools tools = toolsOf(connect("v", null, verbose), McpToolsOptions.builder().maxDescriptionChars(100));
        assertThat(tools.tools().get(0).description()).hasSize(100).endsWith("more characters cut]");
    }
}
