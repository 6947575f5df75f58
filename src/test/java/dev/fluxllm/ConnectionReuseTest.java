package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** Proves that calls read to their end hand their connection back to the pool instead of closing it. */
class ConnectionReuseTest {

    static final String COMPLETION = "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}";
    static final String STREAM = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    final AtomicInteger connections = new AtomicInteger();
    DisposableServer server;
    OpenAiCompatClient client;

    @BeforeEach
    void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())
                .route(r -> r.post("/v1/chat/completions", (req, res) -> req.receive().aggregate().asString()
                        .flatMap(body -> body.contains("\"stream\":true")
                                ? res.header("content-type", "text/event-stream").sendString(Mono.just(STREAM)).then()
                                : res.header("content-type", "application/json").sendString(Mono.just(COMPLETION)).then())))
                .bindNow();
        client = OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .defaultModel("m").build();
    }

    @AfterEach
    void stop() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        server.disposeNow();
    }

    @Test
    void sequentialGenerateCallsReuseTheirConnections() {
        for (int i = 0; i < 20; i++) {
            assertThat(client.generate(ChatRequest.builder().user("x").build()).block(Duration.ofSeconds(5)).text())
                    .isEqualTo("hi");
        }
        // The pool takes the connection back just after the subscriber hears the reply, so a next
        // call may now and then find it still busy and open another; never one per call.
        assertThat(connections.get()).isLessThan(10);
    }

    @Test
    void streamsCompletedByDoneReuseTheirConnections() {
        for (int i = 0; i < 20; i++) {
            assertThat(client.stream(ChatRequest.builder().user("x").build()).as(ChatStreams::assemble)
                    .block(Duration.ofSeconds(5)).text()).isEqualTo("hi");
        }
        assertThat(connections.get()).isLessThan(10);
    }
}
