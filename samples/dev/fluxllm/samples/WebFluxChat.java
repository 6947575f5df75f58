package dev.fluxllm.samples;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.Tool;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import dev.fluxllm.tools.ToolLoop;
import dev.fluxllm.tools.ToolLoopEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring Boot WebFlux chat page over FluxLLM's auto-configuration: the browser sends a prompt,
 * the tokens appear as the model streams them (server-sent events relayed from the client's
 * stream through a {@link ToolLoop}), a tool call shows its progress, and closing the page or
 * pressing Stop closes the EventSource, which cancels the model's stream upstream.
 *
 * <p>{@code GET /} is the page; {@code GET /chat?q=...} the event stream: {@code token} events
 * (JSON strings), {@code tool} events (progress lines), then {@code done}, or {@code failure} with
 * the error's message. Without {@code OPENAI_BASE_URL} a {@link ScriptedLlmServer} plays the model.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=WebFluxChat            # then open http://127.0.0.1:8080/
 * mvn -q test-compile exec:java -Dsample=WebFluxChat -Dport=9090 -Dserve=false   # demo only
 * </pre>
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
public class WebFluxChat {

    static final String DEMO_QUESTION = "What is the weather in Paris?";
    static final String WEATHER_ANSWER = "It is sunny and 24 degrees in Paris today.";
    static final String STORY = longStory();
    static final Tool WEATHER = Tool.function("get_weather", "Current weather for a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ToolLoop loop;

    public WebFluxChat(OpenAiCompatClient client) {
        this.loop = ToolLoop.builder().client(client).streaming(true)
                .tool(WEATHER, args -> Mono.just("Sunny, 24 C in " + args.get("city")))
                .build();
    }

    public static void main(String[] args) {
        boolean serve = Boolean.parseBoolean(System.getProperty("serve", "true"));
        System.exit(SampleEnvironment.runMain(WebFluxChat::script, (env, out) -> {
            try (ConfigurableApplicationContext app = start(env, Integer.getInteger("port", 8080))) {
                demo(app, out);
                if (serve) {
                    out.println();
                    out.println("Open http://127.0.0.1:" + port(app) + "/ in a browser; Ctrl+C stops.");
                    out.flush();
                    new CountDownLatch(1).await();
                }
            }
        }));
    }

    /**
     * Plays the model offline: the weather question gets a {@code get_weather} call and, after
     * the tool's result, the answer; a prompt containing {@code fail} gets a 503; anything else a
     * long story streamed word by word, slowly enough to be cancelled.
     */
    static void script(ScriptedLlmServer server) {
        server.setDefault(Reply.from(WebFluxChat::reply));
    }

    static Reply reply(RecordedRequest request) {
        String last = request.json().path("messages").path(request.messageCount() - 1).path("role").asString();
        if ("tool".equals(last)) {
            return Reply.text(WEATHER_ANSWER).delay(Duration.ofMillis(20));
        }
        String q = String.valueOf(request.lastUserMessage()).toLowerCase(java.util.Locale.ROOT);
        if (q.contains("fail")) {
            return Reply.error(503, "the model is overloaded");
        }
        if (q.contains("weather")) {
            return Reply.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
        }
        return Reply.text(STORY).delay(Duration.ofMillis(40));
    }

    static String longStory() {
        StringBuilder b = new StringBuilder("Once upon a time");
        for (int i = 1; i <= 400; i++) {
            b.append(" and then ").append(i);
        }
        return b.append('.').toString();
    }

    /** Starts the app on {@code port} (0: any free one), its FluxLLM client pointing at the environment's server. */
    static ConfigurableApplicationContext start(SampleEnvironment env, int port) {
        List<String> props = new ArrayList<>(List.of(
                "server.port=" + port,
                "server.address=127.0.0.1",
                "spring.main.banner-mode=off",
                "fluxllm.base-url=" + env.client().baseUrl(),
                "fluxllm.default-model=" + env.model(),
                "fluxllm.stream-idle-timeout=30s",
                "fluxllm.retry.max-retries=1",
                "fluxllm.retry.initial-backoff=50ms",
                "fluxllm.retry.max-backoff=100ms",
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-components=always"));
        if (!env.isEmbedded()) {
            props.add("fluxllm.api-key-env=" + SampleEnvironment.API_KEY_VARIABLE);
        }
        return new SpringApplicationBuilder(WebFluxChat.class).web(WebApplicationType.REACTIVE)
                .properties(props.toArray(String[]::new)).run();
    }

    static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    /** Asks the demo question through the app's own endpoint and prints the events. */
    static void demo(ConfigurableApplicationContext app, PrintStream out) {
        String base = "http://127.0.0.1:" + port(app);
        out.println("WebFluxChat listening on " + base + "/");
        out.println("GET " + base + "/chat?q=" + DEMO_QUESTION);
        List<ServerSentEvent<String>> events = WebClient.create(base).get()
                .uri(u -> u.path("/chat").queryParam("q", DEMO_QUESTION).build())
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .collectList().block(Duration.ofSeconds(60));
        StringBuilder answer = new StringBuilder();
        for (ServerSentEvent<String> e : events == null ? List.<ServerSentEvent<String>>of() : events) {
            if ("token".equals(e.event())) {
                answer.append(JSON.readValue(e.data(), String.class));
            } else {
                out.println(e.event() + ": " + e.data());
            }
        }
        out.println("answer: " + answer);
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    public Mono<String> page() {
        return Mono.just(PAGE);
    }

    /** The event stream of one prompt; cancelling it (the browser went away) cancels the model's stream. */
    @GetMapping(value = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> chat(@RequestParam("q") String q) {
        return loop.events(ChatRequest.builder().user(q).build())
                .concatMap(WebFluxChat::toEvents)
                .onErrorResume(e -> Mono.just(event("failure", String.valueOf(e.getMessage()))));
    }

    private static Flux<ServerSentEvent<String>> toEvents(ToolLoopEvent e) {
        if (e instanceof ToolLoopEvent.ContentDelta d) {
            return d.text().isEmpty() ? Flux.empty() : Flux.just(event("token", JSON.writeValueAsString(d.text())));
        }
        if (e instanceof ToolLoopEvent.ToolCallStarted s) {
            return Flux.just(event("tool", "calling " + s.call().name() + " " + s.call().arguments()));
        }
        if (e instanceof ToolLoopEvent.ToolCallFinished f) {
            return Flux.just(event("tool", f.invocation().call().name() + " returned: " + f.invocation().result()));
        }
        if (e instanceof ToolLoopEvent.Finished) {
            return Flux.just(event("done", "ok"));
        }
        return Flux.empty();
    }

    private static ServerSentEvent<String> event(String name, String data) {
        return ServerSentEvent.<String>builder().event(name).data(data).build();
    }

    static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>FluxLLM WebFlux chat</title>
            <style>body{font-family:sans-serif;max-width:46rem;margin:2rem auto}#answer{white-space:pre-wrap;
            border:1px solid #ccc;padding:.5rem;min-height:4rem}#error{color:#b00}</style></head>
            <body>
            <h1>FluxLLM chat</h1>
            <form id="form"><input id="prompt" size="50" value="What is the weather in Paris?">
            <button id="send" type="submit">Send</button> <button id="stop" type="button">Stop</button></form>
            <p>Status: <span id="status">idle</span></p>
            <ul id="tools"></ul>
            <div id="answer"></div>
            <p id="error"></p>
            <script>
            let source = null;
            const $ = id => document.getElementById(id);
            function stop(status) { if (source) { source.close(); source = null; } $('status').textContent = status; }
            $('stop').onclick = () => stop('stopped');
            $('form').onsubmit = ev => {
              ev.preventDefault();
              stop('starting');
              $('answer').textContent = ''; $('tools').innerHTML = ''; $('error').textContent = '';
              source = new EventSource('/chat?q=' + encodeURIComponent($('prompt').value));
              $('status').textContent = 'streaming';
              source.addEventListener('token', e => { $('answer').textContent += JSON.parse(e.data); });
              source.addEventListener('tool', e => {
                const li = document.createElement('li'); li.textContent = e.data; $('tools').appendChild(li); });
              source.addEventListener('done', () => stop('done'));
              source.addEventListener('failure', e => { $('error').textContent = 'Error: ' + e.data; stop('error'); });
              source.onerror = () => { if (source) { $('error').textContent = 'Error: connection lost'; stop('error'); } };
            };
            </script>
            </body></html>
            """;
}
