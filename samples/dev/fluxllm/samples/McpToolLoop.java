package dev.fluxllm.samples;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.mcp.McpCancellation;
import dev.fluxllm.mcp.McpTools;
import dev.fluxllm.mcp.McpToolsOptions;
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
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Runs a tool loop whose tools come from an MCP server: an in-process server built with the MCP
 * Java SDK's server side offers two tools, {@code get_forecast} and a slow {@code search_archive},
 * the model (the embedded scripted server, or yours) calls both at once, and the loop sends the
 * results back until the model answers.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=McpToolLoop
 * </pre>
 */
public final class McpToolLoop {

    static final String QUESTION = "What is the forecast for Oslo, and did it ever snow there in June?";
    static final String ANSWER = "Oslo: 18 °C and clear tomorrow. The archive lists snow in June 1923.";
    static final Duration SLOW = Duration.ofMillis(300);

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final Map<String, Object> CITY = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "description", "City name")),
            "required", List.of("city"), "additionalProperties", false);

    private McpToolLoop() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(McpToolLoop::script, McpToolLoop::run));
    }

    static void script(ScriptedLlmServer server) {
        server.enqueue(Reply.toolCall("call_1", "get_forecast", "{\"city\":\"Oslo\"}")
                .andToolCall("call_2", "search_archive", "{\"city\":\"Oslo\"}"));
        server.enqueue(Reply.text(ANSWER));
    }

    /** The MCP server: two tools, the archive search slow. */
    static McpAsyncServer weatherServer(InProcessMcp transport) {
        return McpServer.async(transport).serverInfo("weather-archive", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpServerFeatures.AsyncToolSpecification.builder()
                                .tool(McpSchema.Tool.builder().name("get_forecast").description("Tomorrow's forecast")
                                        .inputSchema(CITY).build())
                                .callHandler((exchange, call) -> Mono.just(McpSchema.CallToolResult.builder()
                                        .structuredContent(Map.of("city", call.arguments().get("city"), "celsius", 18,
                                                "sky", "clear")).build()))
                                .build(),
                        McpServerFeatures.AsyncToolSpecification.builder()
                                .tool(McpSchema.Tool.builder().name("search_archive").description("Weather archive search")
                                        .inputSchema(CITY).build())
                                .callHandler((exchange, call) -> Mono.delay(SLOW).thenReturn(McpSchema.CallToolResult.builder()
                                        .addTextContent("Snow in June: 1923 (" + call.arguments().get("city") + ")").build()))
                                .build())
                .build();
    }

    static void run(SampleEnvironment env, PrintStream out) {
        InProcessMcp transport = new InProcessMcp();
        McpAsyncServer server = weatherServer(transport);
        McpCancellation cancellation = McpCancellation.wrap(transport.clientTransport());
        McpAsyncClient mcp = McpClient.async(cancellation).requestTimeout(Duration.ofSeconds(10)).build();
        try {
            McpTools tools = McpTools.from(mcp, McpToolsOptions.builder().cancellation(cancellation)
                    .callTimeout(Duration.ofSeconds(5)).build()).block(LIMIT);
            out.println("MCP server '" + tools.server() + "' offers: "
                    + tools.tools().stream().map(t -> t.name()).toList());

            long start = System.nanoTime();
            ToolLoopResult result = ToolLoop.builder().client(env.client()).tools(tools).build()
                    .run(ChatRequest.builder().user(QUESTION).build()).block(LIMIT);
            for (ToolInvocation i : result.invocations()) {
                out.println("  " + i.call().name() + " -> " + i.result() + " (" + i.duration().toMillis() + " ms)");
            }
            out.println("answer after " + result.turns() + " turns, " + (System.nanoTime() - start) / 1_000_000
                    + " ms: " + result.text());
        } finally {
            mcp.closeGracefully().then(server.closeGracefully()).block(LIMIT);
        }
    }
}
