package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.LocalServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/** The Host header (HTTP/2: :authority) names the base URL's host and port, by IP or by name, on every request. */
class HostHeaderTest {

    static final String REPLY = "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";

    private void hosts(HttpServer server, String host, HttpVersion version) {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (LocalServer s = LocalServer.start(server, (req, res) -> {
            seen.add(req.requestHeaders().get("host"));
            return res.header("Content-Type", "application/json").sendString(reactor.core.publisher.Mono.just(REPLY)).then();
        }); OpenAiCompatClient client = OpenAiCompatClient.builder()
                .baseUrl(s.baseUrl().replace("127.0.0.1", host)).defaultModel("m").httpVersion(version).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.generate(ChatRequest.builder().user("hi").build()).block(Duration.ofSeconds(10)).text())
                        .isEqualTo("ok");
            }
            int port = Integer.parseInt(s.baseUrl().replaceAll(".*:(\\d+).*", "$1"));
            assertThat(seen).hasSize(3).containsOnly(host + ":" + port);
        }
    }

    @Test
    void hostByIpOverHttp11() {
        hosts(HttpServer.create(), "127.0.0.1", HttpVersion.HTTP_1_1);
    }

    @Test
    void hostByNameOverHttp11() {
        hosts(HttpServer.create(), "localhost", HttpVersion.HTTP_1_1);
    }

    @Test
    void hostByIpOverHttp2() {
        hosts(HttpServer.create().protocol(HttpProtocol.H2C), "127.0.0.1", HttpVersion.HTTP_2);
    }

    @Test
    void hostByNameOverHttp2() {
        hosts(HttpServer.create().protocol(HttpProtocol.H2C), "localhost", HttpVersion.HTTP_2);
    }
}
