package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Servers that attack the client: a gzip bomb (a few KiB that inflate to hundreds of MiB), headers
 * far over any sane size, and a server that accepts the connection and never reads the request.
 * Each ends with a typed exception that names what was exceeded, in bounded time and memory.
 */
class HostileServerTest {

    static final Duration BOUND = Duration.ofSeconds(20);
    static final ChatRequest ASK = ChatRequest.builder().user("hi").build();

    final List<AutoCloseable> closing = new ArrayList<>();
    final List<OpenAiCompatClient> clients = new ArrayList<>();

    @AfterEach
    void release() throws Exception {
        for (OpenAiCompatClient c : clients) {
            Eventually.await(() -> c.activeConnections() == 0, Duration.ofSeconds(3), "connections released");
            c.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    OpenAiCompatClient client(String baseUrl, java.util.function.UnaryOperator<OpenAiCompatClient.Builder> options) {
        OpenAiCompatClient c = options.apply(OpenAiCompatClient.builder().baseUrl(baseUrl).defaultModel("m")
                .retryPolicy(RetryPolicy.none())).build();
        clients.add(c);
        return c;
    }

    /** 256 MiB of one byte, gzip-compressed to about 250 KiB. */
    static byte[] bomb(String prefix) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int i = 0; i < 256; i++) {
                gz.write(block);
            }
        }
        return out.toByteArray();
    }

    LocalServer serveGzip(String contentType, byte[] gzipped) {
        LocalServer s = LocalServer.start((req, res) -> res.header("Content-Type", contentType)
                .header("Content-Encoding", "gzip")
                .send(Mono.just(Unpooled.wrappedBuffer(gzipped))).then());
        closing.add(s);
        return s;
    }

    @Test
    void generateGzipBombStopsAtTheSizeLimitCountedAfterDecompression() throws IOException {
        byte[] bomb = bomb("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"");
        assertThat(bomb.length).isLessThan(1 << 20);
        LocalServer s = serveGzip("application/json", bomb);
        StepVerifier.create(client(s.baseUrl(), b -> b.maxResponseBytes(1 << 20)).generate(ASK))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining(String.valueOf(1 << 20)))
                .verify(BOUND);
    }

    @Test
    void streamGzipBombStopsAtTheEventSizeLimit() throws IOException {
        LocalServer s = serveGzip("text/event-stream", bomb("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""));
        StepVerifier.create(client(s.baseUrl(), b -> b.maxEventBytes(64 * 1024)).stream(ASK))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining(String.valueOf(64 * 1024)))
                .verify(BOUND);
    }

    @Test
    void headersOverASaneSizeFailClearly() {
        LocalServer s = LocalServer.start((req, res) -> res.header("Content-Type", "application/json")
                .header("X-Padding", "p".repeat(100_000))
                .sendString(Mono.just("{\"choices\":[]}")).then());
        closing.add(s);
        StepVerifier.create(client(s.baseUrl(), b -> b).generate(ASK))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(OpenAiCompatException.class);
                    assertThat(e.getMessage()).containsIgnoringCase("header");
                })
                .verify(BOUND);
        StepVerifier.create(client(s.baseUrl(), b -> b).stream(ASK))
                .expectErrorSatisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("header"))
                .verify(BOUND);
    }

    @Test
    void aServerThatNeverReadsTheRequestIsBoundedByTheResponseTimeout() throws Exception {
        ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (!socket.isClosed()) {
                    accepted.add(socket.accept());
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }, "never-reads");
        acceptor.setDaemon(true);
        acceptor.start();
        closing.add(() -> {
            socket.close();
            for (Socket a : accepted) {
                a.close();
            }
        });
        // Big enough to fill the socket buffers: the write itself cannot finish.
        ChatRequest huge = ChatRequest.builder().user("x".repeat(32 << 20)).build();
        OpenAiCompatClient c = client("http://127.0.0.1:" + socket.getLocalPort() + "/v1",
                b -> b.responseTimeout(Duration.ofMillis(800)));
        StepVerifier.create(c.generate(huge))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("responseTimeout"))
                .verify(BOUND);
        StepVerifier.create(c.stream(huge))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApiTimeoutException.class)
                        .hasMessageContaining("responseTimeout"))
                .verify(BOUND);
    }
}
