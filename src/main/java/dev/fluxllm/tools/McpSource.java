package dev.fluxllm.tools;

import dev.fluxllm.SchemaViolation;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.mcp.McpTools;
import java.util.List;
import reactor.core.publisher.Mono;

/** Offers an MCP server's tools to the loop; loaded only when a loop is given one. */
final class McpSource implements ToolSource {

    private final McpTools mcp;
    private final ToolExecutor executor;

    McpSource(McpTools mcp) {
        this.mcp = mcp;
        this.executor = new ToolExecutor() {
            @Override
            public List<SchemaViolation> check(ToolCall call) {
                return mcp.check(call);
            }

            @Override
            public Mono<String> execute(ToolCall call) {
                return mcp.call(call);
            }
        };
    }

    @Override
    public String name() {
        return mcp.server();
    }

    @Override
    public List<Tool> tools() {
        return mcp.tools();
    }

    @Override
    public ToolExecutor executor(String name) {
        return mcp.provides(name) ? executor : null;
    }
}
