package dev.fluxllm;

import dev.fluxllm.support.LocalServer;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Serves load-test streams: stream {@code n} sends its first token, waits until all expected
 * streams are open at once, then sends the rest, a finish chunk and {@code [DONE]}. Runs in the
 * test's JVM, or on its own ({@link #main}) when one process cannot hold both ends of every socket.
 */
final class LoadServer {

    static final int TOKENS = 6;
    private static final Pattern STREAM_ID = Pattern.compile("stream-(\\d+)");

    private final int expected;
    private final AtomicInteger arrived = new AtomicInteger();
    private final Sinks.Empty<Void> allOpen = Sinks.empty();

    LoadServer(int expected) {
        this.expected = expected;
    }

    static String token(int stream, int k) {
        return "s" + stream + "-t" + k + " ";
    }

    static String expectedText(int stream) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < TOKENS; k++) {
            sb.append(token(stream, k));
        }
        return sb.toString();
    }

    private static String event(int stream, String delta, String finish) {
        return "data: {\"id\":\"load-" + stream + "\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    LocalServer start() {
        return LocalServer.start((req, res) -> req.receive().aggregate().asString().flatMap(body -> {
            Matcher m = STREAM_ID.matcher(body);
            int n = m.find() ? Integer.parseInt(m.group(1)) : -1;
            if (arrived.incrementAndGet() == expected) {
                allOpen.tryEmitEmpty();
            }
            Flux<String> events = Flux.concat(
                    Mono.just(event(n, "{\"role\":\"assistant\",\"content\":\"" + token(n, 0) + "\"}", "null")),
                    allOpen.asMono().timeout(Duration.ofSeconds(120)).then(Mono.empty()),
                    Flux.range(1, TOKENS - 1).map(k -> event(n, "{\"content\":\"" + token(n, k) + "\"}", "null")),
                    Mono.just(event(n, "{}", "\"stop\"") + "data: [DONE]\n\n"));
            return res.header("Content-Type", "text/event-stream")
                    .send(events.map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8)), b -> true)
                    .then();
        }));
    }

    /** Runs a server for {@code args[0]} streams and prints its port; stops when stdin closes. */
    public static void main(String[] args) throws Exception {
        try (LocalServer server = new LoadServer(Integer.parseInt(args[0])).start()) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
