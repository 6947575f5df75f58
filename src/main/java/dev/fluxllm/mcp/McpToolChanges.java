package dev.fluxllm.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Carries an MCP server's {@code notifications/tools/list_changed} to the {@link McpTools} built
 * over its client, so the tool loop offers the new list from the next model round on. The SDK takes
 * the consumer when the client is built, before {@link McpTools} exists, hence this go-between:
 *
 * <pre>{@code
 * McpToolChanges changes = McpToolChanges.create();
 * McpAsyncClient client = McpClient.async(transport).toolsChangeConsumer(changes::onToolsChanged).build();
 * McpTools tools = McpTools.from(client, McpToolsOptions.builder().changes(changes).build()).block();
 * }</pre>
 */
public final class McpToolChanges {

    private final List<McpTools> listeners = new CopyOnWriteArrayList<>();
    private volatile List<McpSchema.Tool> pending;

    private McpToolChanges() {
    }

    /** Creates a go-between. */
    public static McpToolChanges create() {
        return new McpToolChanges();
    }

    /** Takes the SDK's new tool list (pass {@code changes::onToolsChanged} to {@code toolsChangeConsumer}). */
    public Mono<Void> onToolsChanged(List<McpSchema.Tool> tools) {
        return Mono.<Void>fromRunnable(() -> {
            if (listeners.isEmpty()) {
                pending = tools;
            }
            listeners.forEach(t -> t.replace(tools));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    void bind(McpTools tools) {
        listeners.add(tools);
        List<McpSchema.Tool> early = pending;
        if (early != null) {
            pending = null;
            tools.replace(early);
        }
    }
}
