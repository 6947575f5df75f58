package dev.fluxllm.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Wraps an MCP client transport so that cancelling a tool call tells the server: the SDK's
 * {@code McpAsyncClient} abandons a cancelled request without a word, so this wrapper notes the
 * JSON-RPC id of each {@code tools/call} that {@link McpTools} tagged, and sends
 * {@code notifications/cancelled} with that id when the call is cancelled. Build the client on
 * the wrapper:
 *
 * <pre>{@code
 * McpCancellation cancellation = McpCancellation.wrap(transport);
 * McpAsyncClient client = McpClient.async(cancellation).build();
 * McpTools tools = McpTools.from(client, McpToolsOptions.builder().cancellation(cancellation).build()).block();
 * }</pre>
 */
public final class McpCancellation implements McpClientTransport {

    /** The {@code _meta} key a tagged {@code tools/call} carries. */
    static final String TAG = "dev.fluxllm/call";

    private final McpClientTransport delegate;
    private final Map<String, Object> requestIds = new ConcurrentHashMap<>();

    private McpCancellation(McpClientTransport delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Wraps {@code transport}. */
    public static McpCancellation wrap(McpClientTransport transport) {
        return new McpCancellation(transport);
    }

    /** Tells the server that the call tagged {@code tag} is cancelled, if it was sent and not answered. */
    Mono<Void> cancel(String tag, String reason) {
        Object id = requestIds.remove(tag);
        if (id == null) {
            return Mono.empty();
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("requestId", id);
        params.put("reason", reason);
        return delegate.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                "notifications/cancelled", params));
    }

    /** Forgets a call that was answered. */
    void done(String tag) {
        requestIds.remove(tag);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
            String tag = tagOf(request.params());
            if (tag != null) {
                requestIds.put(tag, request.id());
            }
        }
        return delegate.sendMessage(message);
    }

    private static String tagOf(Object params) {
        Map<?, ?> meta = null;
        if (params instanceof McpSchema.CallToolRequest call) {
            meta = call.meta();
        } else if (params instanceof Map<?, ?> map && map.get("_meta") instanceof Map<?, ?> m) {
            meta = m;
        }
        Object tag = meta == null ? null : meta.get(TAG);
        return tag == null ? null : tag.toString();
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
