package dev.fluxllm.samples;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Relays a model's tokens to a browser as server-sent events: {@code GET /chat?q=...} answers
 * {@code data: <token>} events as the model writes them, then {@code data: [DONE]}.
 *
 * <p>Nothing is buffered on the way. The relay's socket asks for tokens only as fast as its own
 * client reads them, which makes the LLM client read the model's socket only that fast
 * (backpressure); and when the browser goes away, the relay cancels the model's stream, which
 * closes that connection so the model stops generating (cancellation).
 *
 * <p>The sample starts the relay on {@code -Dport} (default: any free port), asks it one question
 * with Reactor Netty's HttpClient, prints the events it receives and exits.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=SseRelay
 * </pre>
 */
public final class SseRelay {

    static final String QUESTION = "Explain server-sent events in two sentences.";

    static final String SCRIPTED_ANSWER = "Server-sent events are a plain HTTP response that never ends: the server"
            + " writes one data line per event as soon as it has something to say. Browsers read them with"
            + " EventSource, which even reconnects on its own.";

    static final String DONE_EVENT = "data: [DONE]\n\n";

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private SseRelay() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(SseRelay::script, SseRelay::run));
    }

    static void script(ScriptedLlmServer server) {
        server.setDefault(Reply.text(SCRIPTED_ANSWER).delay(Duration.ofMillis(15)));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        DisposableServer relay = start(env.client(), Integer.getInteger("port", 0));
        try {
            String url = "http://127.0.0.1:" + relay.port() + "/chat?q=" + URLEncoder.encode(QUESTION, UTF_8);
            out.println("relay listening on http://127.0.0.1:" + relay.port() + "/chat");
            out.println("GET " + url);
            out.println();

            List<String> tokens = new ArrayList<>();
            List<String> data = new ArrayList<>(); // the data lines of the event being read
            sseLines(HttpClient.newConnection(), url)
                    .publishOn(Schedulers.boundedElastic()) // printing blocks: off the event loop first
                    .doOnNext(line -> {
                        out.println(line); // the raw stream, blank lines between events included
                        if (line.startsWith("data: ")) {
                            data.add(line.substring("data: ".length()));
                        } else if (line.isEmpty() && !data.isEmpty()) { // a blank line ends an event
                            String token = String.join("\n", data);
                            data.clear();
                            if (!token.equals("[DONE]")) {
                                tokens.add(token);
                            }
                        }
                    })
                    .blockLast(LIMIT);
            out.println("relayed " + tokens.size() + " tokens, then [DONE]; together: " + String.join("", tokens));
        } finally {
            relay.disposeNow(Duration.ofSeconds(5));
        }
    }

    /** Starts the relay on 127.0.0.1 and {@code port} (0: any free port); blocks until it listens. */
    static DisposableServer start(OpenAiCompatClient client, int port) {
        return HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .route(routes -> routes.get("/chat", (request, response) -> relay(client, request, response)))
                .bindNow(Duration.ofSeconds(10));
    }

    /** Answers one {@code GET /chat?q=...}: the model's tokens as SSE, as they arrive. */
    private static Publisher<Void> relay(OpenAiCompatClient client, HttpServerRequest request,
                                         HttpServerResponse response) {
        List<String> q = new QueryStringDecoder(request.uri()).parameters().getOrDefault("q", List.of());
        if (q.isEmpty() || q.get(0).isBlank()) {
            return response.status(HttpResponseStatus.BAD_REQUEST).sendString(Mono.just("missing ?q=\n"));
        }
        Flux<String> events = client.stream(ChatRequest.builder().user(q.get(0)).build())
                .as(ChatStreams::text)
                .map(SseRelay::dataEvent)
                .concatWithValues(DONE_EVENT)
                // Headers are gone by now: report a failure as an event the page can show.
                .onErrorResume(e -> Mono.just("event: error\n" + dataLines(String.valueOf(e.getMessage())) + "\n"));
        // send, not collect: each event is written (and flushed) when it arrives, and the Flux is
        // asked for more only as the socket takes it. Disconnecting cancels the Flux, and so the model's stream.
        return response.sse() // Content-Type: text/event-stream
                .header("Cache-Control", "no-cache")
                .sendString(events, UTF_8);
    }

    /** Encodes a token as one event; a token with line breaks takes one {@code data:} line per line. */
    static String dataEvent(String token) {
        return dataLines(token) + "\n";
    }

    private static String dataLines(String text) {
        StringBuilder lines = new StringBuilder();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            // The space after the colon is eaten by SSE readers, so a token's own leading space survives.
            lines.append("data: ").append(line).append('\n');
        }
        return lines.toString();
    }

    /**
     * Requests {@code url} and emits the response's lines as they arrive. Lines are cut at LF on
     * the bytes and decoded whole, so a UTF-8 character split across two network reads stays intact.
     */
    static Flux<String> sseLines(HttpClient http, String url) {
        Flux<byte[]> body = http.get().uri(url).responseContent().asByteArray();
        return Flux.defer(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            return body.concatMapIterable(bytes -> {
                List<String> complete = new ArrayList<>();
                for (byte b : bytes) {
                    if (b == '\n') {
                        complete.add(line.toString(UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                return complete;
            });
        });
    }
}
