package dev.fluxllm.samples;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Connects an MCP client to an MCP server of the SDK in one JVM, for samples and tests that run
 * offline: pass it to {@code McpServer.async(...)} and build the client on {@link #clientTransport()}.
 * Each message is written to JSON and read back, as a real transport does, and delivered on another
 * thread. Records what the server received; {@link #kill()} makes the server die as a crashed
 * process would.
 */
public final class InProcessMcp implements McpServerTransportProvider {

    private final McpJsonMapper json = io.modelcontextprotocol.json.McpJsonDefaults.getMapper();
    /** Every message the server received, in order. */
    public final List<McpSchema.JSONRPCMessage> serverReceived = new CopyOnWriteArrayList<>();
    private volatile McpServerSession.Factory factory;
    private volatile McpServerSession session;
    private volatile ClientSide client;
    private volatile boolean dead;

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        this.factory = factory;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    /** Returns a client transport connected to the server. */
    public McpClientTransport clientTransport() {
        return new ClientSide();
    }

    /** Kills the server: in-flight requests end as a lost session, later sends fail like a broken pipe. */
    public void kill() {
        dead = true;
        ClientSide c = client;
        if (c != null && c.exceptionHandler != null) {
            c.exceptionHandler.accept(new McpTransportSessionNotFoundException("the server process exited"));
        }
    }

    /** Returns the notifications the server received with this method. */
    public List<McpSchema.JSONRPCNotification> notifications(String method) {
        return serverReceived.stream().filter(m -> m instanceof McpSchema.JSONRPCNotification n && n.method().equals(method))
                .map(m -> (McpSchema.JSONRPCNotification) m).toList();
    }

    private volatile java.util.function.UnaryOperator<String> serverRewrite = s -> s;

    /** Rewrites the JSON of what the server sends, e.g. to list a tool name the SDK's server would refuse. */
    public void rewriteServerMessages(java.util.function.UnaryOperator<String> rewrite) {
        this.serverRewrite = rewrite;
    }

    private McpSchema.JSONRPCMessage roundTripFromServer(McpSchema.JSONRPCMessage message) {
        try {
            return McpSchema.deserializeJsonRpcMessage(json, serverRewrite.apply(json.writeValueAsString(message)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private McpSchema.JSONRPCMessage roundTrip(McpSchema.JSONRPCMessage message) {
        try {
            return McpSchema.deserializeJsonRpcMessage(json, json.writeValueAsString(message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class ClientSide implements McpClientTransport {
        private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;
        private volatile Consumer<Throwable> exceptionHandler;

        @Override
        public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
            this.handler = handler;
            client = this;
            session = factory.create(new ServerSide(this));
            return Mono.empty();
        }

        @Override
        public void setExceptionHandler(Consumer<Throwable> handler) {
            this.exceptionHandler = handler;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            if (dead) {
                return Mono.error(new IOException("Broken pipe: the server process exited"));
            }
            McpSchema.JSONRPCMessage copy = roundTrip(message);
            serverReceived.add(copy);
            // Handed over, not awaited: the server answers in its own time, as over a socket.
            Mono.defer(() -> session.handle(copy)).subscribeOn(Schedulers.parallel()).subscribe(v -> { }, e -> { });
            return Mono.empty();
        }

        /** Delivers a server message; the client session answers requests through {@link #sendMessage}. */
        void deliver(McpSchema.JSONRPCMessage message) {
            McpSchema.JSONRPCMessage copy = roundTripFromServer(message);
            handler.apply(Mono.just(copy)).subscribeOn(Schedulers.parallel()).subscribe(v -> { }, e -> { });
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return json.convertValue(data, typeRef);
        }
    }

    private final class ServerSide implements McpServerTransport {
        private final ClientSide client;

        ServerSide(ClientSide client) {
            this.client = client;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            if (dead) {
                return Mono.empty();
            }
            return Mono.fromRunnable(() -> client.deliver(message));
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return json.convertValue(data, typeRef);
        }
    }
}
