package dev.fluxllm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.testkit.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/** The WebFluxChat sample through WebTestClient against the running app and the scripted model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebFluxChatSampleTest {

    static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() { };
    static final JsonMapper JSON = JsonMapper.builder().build();

    SampleEnvironment env;
    ConfigurableApplicationContext app;
    WebTestClient web;

    @BeforeAll
    void start() {
        env = SampleEnvironment.embedded(WebFluxChat::script);
        app = WebFluxChat.start(env, 0);
        web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + WebFluxChat.port(app))
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    void stop() {
        app.close();
        env.close();
    }

    List<ServerSentEvent<String>> events(String q) {
        return web.get().uri(u -> u.path("/chat").queryParam("q", q).build()).accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk().returnResult(SSE).getResponseBody()
                .collectList().block(Duration.ofSeconds(30));
    }

    @Test
    void thePageHasTheFormAndTheScript() {
        web.get().uri("/").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains("id=\"prompt\"", "id=\"answer\"", "new EventSource('/chat?q='"));
    }

    @Test
    void aToolCallShowsItsProgressThenTheAnswerStreamsInOrder() {
        List<ServerSentEvent<String>> events = events(WebFluxChat.DEMO_QUESTION);
        assertThat(events).extracting(ServerSentEvent::event).startsWith("tool", "tool").endsWith("done");
        assertThat(events.get(0).data()).isEqualTo("calling get_weather {\"city\":\"Paris\"}");
        assertThat(events.get(1).data()).isEqualTo("get_weather returned: Sunny, 24 C in Paris");
        List<String> tokens = events.stream().filter(e -> "token".equals(e.event()))
                .map(e -> JSON.readValue(e.data(), String.class)).toList();
        assertThat(tokens).hasSizeGreaterThan(3);
        assertThat(String.join("", tokens)).isEqualTo(WebFluxChat.WEATHER_ANSWER);
    }

    @Test
    void aServerErrorIsAFailureEvent() {
        List<ServerSentEvent<String>> events = events("please fail");
        assertThat(events).last().satisfies(e -> {
            assertThat(e.event()).isEqualTo("failure");
            assertThat(e.data()).contains("overloaded");
        });
    }

    @Test
    void cancellingTheEventStreamCancelsTheModelsStream() {
        long before = env.server().cancelledStreams();
        Flux<ServerSentEvent<String>> body = web.get().uri(u -> u.path("/chat").queryParam("q", "tell a story").build())
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().returnResult(SSE).getResponseBody();
        List<ServerSentEvent<String>> firstTokens = body.filter(e -> "token".equals(e.event())).take(3)
                .collectList().block(Duration.ofSeconds(20));
        assertThat(firstTokens).hasSize(3);
        env.server().awaitCancelledStreams((int) before + 1, Duration.ofSeconds(10));
        assertThat(env.server().cancelledStreams()).isGreaterThan(before);
        assertThat(env.server().activeStreams()).isZero();
    }

    @Test
    void theHealthEndpointReportsTheBackendWithoutAPrompt() {
        int chats = (int) env.server().requests().stream().filter(r -> r.path().endsWith("/chat/completions")).count();
        web.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("\"fluxllm\"").contains("UP"));
        List<RecordedRequest> after = env.server().requests();
        assertThat(after.stream().filter(r -> r.path().endsWith("/chat/completions")).count()).isEqualTo(chats);
    }

    @Test
    void theSamplePrintsTheToolProgressAndTheAnswer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        WebFluxChat.demo(app, out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("WebFluxChat listening on http://127.0.0.1:")
                .contains("tool: calling get_weather {\"city\":\"Paris\"}")
                .contains("tool: get_weather returned: Sunny, 24 C in Paris")
                .contains("answer: " + WebFluxChat.WEATHER_ANSWER)
                .contains("done: ok");
    }
}
