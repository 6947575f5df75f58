package dev.fluxllm.support;

import dev.fluxllm.OpenAiCompatClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Starts one WireMock per test class and closes every client a test built, after checking it released its connections. */
public abstract class WireMockSupport extends WireMockServerSupport {

    protected static final String KEY = "sk-test-secret-0123456789";

    protected final List<OpenAiCompatClient> clients = new ArrayList<>();

    @AfterEach
    protected void closeClients() {
        for (OpenAiCompatClient c : clients) {
            Eventually.await(() -> c.activeConnections() == 0, Duration.ofSeconds(2), "connections released by " + c.name());
            c.close();
        }
        clients.clear();
        wm.resetAll();
    }

    /** Registers a client for closing after the test. */
    protected OpenAiCompatClient track(OpenAiCompatClient client) {
        clients.add(client);
        return client;
    }

    protected static String sse(String... jsonEvents) {
        StringBuilder b = new StringBuilder();
        for (String e : jsonEvents) {
            b.append("data: ").append(e).append("\n\n");
        }
        return b.toString();
    }
}
