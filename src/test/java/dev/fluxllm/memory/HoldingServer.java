package dev.fluxllm.memory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * Serves streams that send their first chunk and then hold, open and idle, until a line arrives on
 * standard input; then each sends a second chunk, a finish and {@code [DONE]}. Runs in its own JVM
 * so that the measured JVM holds only the client's side. Speaks HTTP/1.1, or h2c with the argument {@code h2c}.
 */
public final class HoldingServer {

    static final String FIRST = "data: {\"id\":\"h\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"held \"}}]}\n\n";
    static final String REST = "data: {\"id\":\"h\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"released\"}}]}\n\n"
            + "data: {\"id\":\"h\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

    private HoldingServer() {
    }

    public static void main(String[] args) throws Exception {
        Sinks.Empty<Void> release = Sinks.empty();
        java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger cancelled = new java.util.concurrent.atomic.AtomicInteger();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .protocol(args.length > 0 && args[0].equals("h2c") ? new HttpProtocol[] {HttpProtocol.H2C}
                        : new HttpProtocol[] {HttpProtocol.HTTP11})
                .http2Settings(s -> s.maxConcurrentStreams(100_000))
                .handle((req, res) -> req.receive().then(res.header("Content-Type", "text/event-stream")
                        .sendString(Flux.concat(Mono.just(FIRST), release.asMono().then(Mono.just(REST)))).then()
                        .doOnSuccess(v -> completed.incrementAndGet())
                        .doOnError(e -> failed.incrementAndGet())
                        .doOnCancel(cancelled::incrementAndGet)))
                .bindNow();
        System.out.println("PORT " + server.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("release")) {
                release.tryEmitEmpty();
            }
        }
        System.err.println("HoldingServer: " + completed + " responses completed, " + failed + " failed, "
                + cancelled + " cancelled");
        server.disposeNow();
    }
}
