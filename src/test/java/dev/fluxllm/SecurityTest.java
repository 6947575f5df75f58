package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** Checks that the API key stays secret everywhere, and the transport's other safety rules. */
class SecurityTest {

    static final String KEY = "sk-live-SECRET-0123456789abcdef";
    static final Duration BOUND = Duration.ofSeconds(10);
    static LocalServer echo;

    /**
     * Answers like a careless proxy: {@code please-401} gets a 401 whose body echoes the
     * Authorization header, {@code please-500} an HTML page that echoes it, and
     * {@code please-stream-error} a 200 stream whose error event echoes it.
     */
    @BeforeAll
    static void startEcho() {
        echo = LocalServer.start((req, res) -> req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            String auth = String.valueOf(req.requestHeaders().get("Authorization"));
            String seen = "{\"authorization\":\"" + auth + "\",\"x-api-key\":\"" + req.requestHeaders().get("X-Api-Key") + "\"}";
            boolean stream = body.contains("\"stream\":true");
            if (body.contains("please-401")) {
                return res.status(401).header("Content-Type", "application/json").sendString(Mono.just(
                        "{\"error\":{\"message\":\"Invalid API key: " + auth + "\",\"type\":\"invalid_request_error\","
                                + "\"code\":\"" + auth + "\",\"param\":\"" + auth + "\"},\"request_headers\":" + seen + "}")).then();
            }
            if (body.contains("please-500")) {
                return res.status(500).header("Content-Type", "text/html").sendString(Mono.just(
                        "<html><head><title>Error for " + auth + "</title></head><body>" + seen + "</body></html>")).then();
            }
            if (body.contains("please-stream-error") && stream) {
                return res.header("Content-Type", "text/event-stream").sendString(Mono.just(
                        "data: {\"error\":{\"message\":\"rejected " + auth + "\",\"type\":\"" + auth + "\"}}\n\n")).then();
            }
            if (req.method().name().equals("GET")) {
                return res.status(HttpResponseStatus.FORBIDDEN).sendString(Mono.just("forbidden for " + seen)).then();
            }
            return stream
                    ? res.header("Content-Type", "text/event-stream").sendString(Mono.just(FaultMatrixTest.STREAM)).then()
                    : res.header("Content-Type", "application/json").sendString(Mono.just(FaultMatrixTest.COMPLETION)).then();
        }));
    }

    @AfterAll
    static void stopEcho() {
        echo.close();
    }

    static OpenAiCompatClient.Builder keyed(String baseUrl) {
        return OpenAiCompatClient.builder().baseUrl(baseUrl).apiKey(KEY).defaultModel("m").retryPolicy(RetryPolicy.none());
    }

    static String everything(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        StringBuilder all = new StringBuilder(w.toString()).append(e);
        if (e instanceof OpenAiCompatException o) {
            all.append(o.details()).append(o.partialResponse());
        }
        return all.toString();
    }

    static void assertNoKey(Throwable e) {
        assertThat(everything(e)).doesNotContain(KEY).doesNotContain("SECRET");
    }

    @Test
    void toStringHidesKey() {
        try (OpenAiCompatClient client = keyed("https://api.example.com/v1").header("X-Api-Key", KEY)
                .header("Authorization-Extra", "Bearer " + KEY).build()) {
            assertThat(client.toString()).doesNotContain(KEY).doesNotContain("SECRET")
                    .contains("apiKey=(set)").contains("X-Api-Key");
        }
        assertThatThrownBy(() -> OpenAiCompatClient.builder().baseUrl("https://user:" + KEY + "@api.example.com/v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void echoed401NeverShowsKey() {
        try (OpenAiCompatClient client = keyed(echo.baseUrl()).header("X-Api-Key", KEY).build()) {
            Consumer<Throwable> is401 = e -> {
                assertThat(e).isInstanceOf(AuthenticationException.class).hasMessageContaining("Invalid API key: ").hasMessageContaining("***");
                assertThat(((OpenAiCompatException) e).statusCode()).isEqualTo(401);
                assertThat(((OpenAiCompatException) e).details().body()).contains("***");
                assertNoKey(e);
            };
            StepVerifier.create(client.generate(ChatRequest.builder().user("please-401").build()))
                    .expectErrorSatisfies(is401).verify(BOUND);
            StepVerifier.create(client.stream(ChatRequest.builder().user("please-401").build()))
                    .expectErrorSatisfies(is401).verify(BOUND);
            StepVerifier.create(client.generate(ChatRequest.builder().user("please-500").build()))
                    .expectErrorSatisfies(SecurityTest::assertNoKey).verify(BOUND);
            StepVerifier.create(client.stream(ChatRequest.builder().user("please-stream-error").build())
                            .as(ChatStreams::assemble))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(StreamErrorException.class).hasMessageContaining("rejected ").hasMessageContaining("***");
                        assertNoKey(e);
                    }).verify(BOUND);
            StepVerifier.create(client.models()).expectErrorSatisfies(SecurityTest::assertNoKey).verify(BOUND);
            Eventually.await(() -> client.activeConnections() == 0, BOUND, "connections released");
        }
    }

    @Test
    void traceLogsNeverShowKey() throws Exception {
        Process child = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace", "-Dorg.slf4j.simpleLogger.logFile=System.out",
                "-Dio.netty.leakDetection.level=disabled",
                "-cp", System.getProperty("java.class.path"), TraceLogProbe.class.getName(), echo.baseUrl(), KEY)
                .redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = child.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = new String(out, StandardCharsets.UTF_8);
        assertThat(log).as("the probe ran to its end").contains("PROBE DONE");
        assertThat(log).as("logging really was at TRACE").contains("TRACE reactor.netty").contains("DEBUG");
        assertThat(log).as("the failures were logged with their stack traces")
                .contains("AuthenticationException").contains("ServerException").contains("StreamErrorException");
        int at = log.indexOf(KEY);
        assertThat(at).as("the key appears in the TRACE output at: %s",
                at < 0 ? "" : log.substring(Math.max(0, at - 300), Math.min(log.length(), at + 100))).isEqualTo(-1);
    }

    @Test
    void builderOffersNoWiretap() {
        for (Class<?> type : new Class<?>[] {OpenAiCompatClient.class, OpenAiCompatClient.Builder.class}) {
            assertThat(Arrays.stream(type.getMethods()).map(Method::getName).map(n -> n.toLowerCase(Locale.ROOT)))
                    .noneMatch(n -> n.contains("wiretap") || n.contains("wirelog") || n.contains("httpclient"));
        }
    }

    @Test
    void crlfRefusedAtBuildTime() {
        OpenAiCompatClient.Builder b = OpenAiCompatClient.builder();
        for (String bad : new String[] {"X-Evil\r\nHost", "X-Evil\n", "X\rY", "X Y", "X:Y", ""}) {
            assertThatThrownBy(() -> b.header(bad, "v")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("header name");
        }
        for (String bad : new String[] {"v\r\nX-Injected: 1", "v\n", "v\r"}) {
            assertThatThrownBy(() -> b.header("X-Ok", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CR or LF");
        }
        assertThatThrownBy(() -> b.apiKey(KEY + "\r\nX-Injected: 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CR or LF")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void redirectNotFollowed() {
        java.util.List<String> targetSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalServer target = LocalServer.start((req, res) -> {
                 targetSaw.add(req.method() + " " + req.uri() + " Authorization=" + req.requestHeaders().get("Authorization"));
                 return res.header("Content-Type", "application/json").sendString(Mono.just(FaultMatrixTest.COMPLETION)).then();
             });
             LocalServer redirecting = LocalServer.start((req, res) -> res.status(307)
                     .header("Location", target.baseUrl() + "/chat/completions").send());
             OpenAiCompatClient client = keyed(redirecting.baseUrl()).build()) {
            Consumer<Throwable> notFollowed = e -> {
                assertThat(e).isInstanceOf(OpenAiCompatException.class).hasMessageContaining("not followed")
                        .hasMessageContaining(target.baseUrl());
                assertThat(((OpenAiCompatException) e).statusCode()).isEqualTo(307);
                assertNoKey(e);
            };
            StepVerifier.create(client.generate(ChatRequest.builder().user("hi").build()))
                    .expectErrorSatisfies(notFollowed).verify(BOUND);
            StepVerifier.create(client.stream(ChatRequest.builder().user("hi").build()))
                    .expectErrorSatisfies(notFollowed).verify(BOUND);
            assertThat(targetSaw).as("the other host never saw a request, nor the Authorization header").isEmpty();
            Eventually.await(() -> client.activeConnections() == 0, BOUND, "connections released");
        }
    }

    /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, and the server it serves. */
    record Tls(LocalServer server, TrustManagerFactory trust) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    static Tls tlsServer(Path dir) throws Exception {
        return tlsServer(dir, new java.util.ArrayList<>(), SecurityTest::http11Tls);
    }

    static HttpServer http11Tls(KeyManagerFactory kmf) {
        try {
            SslContext context = SslContextBuilder.forServer(kmf).build();
            return HttpServer.create().secure(spec -> spec.sslContext(context));
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS server configured by {@code configure} from the key managers; it records each request's HTTP version. */
    static Tls tlsServer(Path dir, java.util.List<String> versions,
                         java.util.function.Function<KeyManagerFactory, HttpServer> configure) throws Exception {
        Path store = dir.resolve("server.p12");
        char[] pass = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/keytool").getPath(),
                "-genkeypair", "-alias", "local", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pass);
        Certificate cert = keys.getCertificate("local");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("local", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        LocalServer server = LocalServer.start(configure.apply(kmf),
                (req, res) -> req.receive().aggregate().asString().doOnSubscribe(s -> versions.add(req.version().text())).flatMap(body -> body.contains("\"stream\":true")
                        ? res.header("Content-Type", "text/event-stream").sendString(Mono.just(FaultMatrixTest.STREAM)).then()
                        : res.header("Content-Type", "application/json").sendString(Mono.just(FaultMatrixTest.COMPLETION)).then()));
        return new Tls(server, tmf);
    }

    static String httpsUrl(Tls tls) {
        return "https://127.0.0.1:" + tls.server().port() + "/v1";
    }

    @Test
    void tlsWithCallerTrust(@TempDir Path dir) throws Exception {
        try (Tls tls = tlsServer(dir);
             OpenAiCompatClient client = keyed(httpsUrl(tls)).trustManagerFactory(tls.trust()).build()) {
            StepVerifier.create(client.generate(ChatRequest.builder().user("hi").build()))
                    .assertNext(r -> assertThat(r.text()).isEqualTo("Hello")).expectComplete().verify(BOUND);
            StepVerifier.create(client.stream(ChatRequest.builder().user("hi").build()).as(ChatStreams::assemble))
                    .assertNext(r -> assertThat(r.text()).isEqualTo("Hello")).expectComplete().verify(BOUND);
            Eventually.await(() -> client.activeConnections() == 0, BOUND, "connections released");
        }
    }

    @Test
    void tlsWithoutTrustFails(@TempDir Path dir) throws Exception {
        try (Tls tls = tlsServer(dir);
             OpenAiCompatClient client = keyed(httpsUrl(tls)).build()) {
            Consumer<Throwable> tlsFailure = e -> {
                assertThat(e).isExactlyInstanceOf(ConnectionException.class).hasMessageContaining("TLS");
                assertThat(((OpenAiCompatException) e).isRetryable()).isFalse();
                assertNoKey(e);
            };
            StepVerifier.create(client.generate(ChatRequest.builder().user("hi").build()))
                    .expectErrorSatisfies(tlsFailure).verify(BOUND);
            StepVerifier.create(client.stream(ChatRequest.builder().user("hi").build()))
                    .expectErrorSatisfies(tlsFailure).verify(BOUND);
            Eventually.await(() -> client.activeConnections() == 0, BOUND, "connections released");
        }
    }

    @Test
    void plainHttpKeyWarning() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String remote;
        String loopback;
        try {
            keyed("http://llm.example.com/v1").build().close();
            remote = captured.toString(StandardCharsets.UTF_8);
            captured.reset();
            keyed("http://127.0.0.1:8000/v1").build().close();
            keyed("http://localhost:8000/v1").build().close();
            keyed("https://llm.example.com/v1").build().close();
            OpenAiCompatClient.builder().baseUrl("http://llm.example.com/v1").build().close();
            loopback = captured.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(original);
        }
        assertThat(remote).contains("WARN").contains("plain HTTP").contains("http://llm.example.com/v1").doesNotContain(KEY);
        assertThat(loopback).doesNotContain("plain HTTP");
    }
}
