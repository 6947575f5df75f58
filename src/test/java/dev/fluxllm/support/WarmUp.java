package dev.fluxllm.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.fluxllm.OpenAiCompatClient;
import java.time.Duration;

/**
 * Runs one exchange before a class's timed tests: the first exchange in a JVM loads and
 * instruments much of Netty, which takes seconds on a busy machine and would otherwise be charged
 * to whichever test happens to run first.
 */
public final class WarmUp {

    private static volatile boolean done;

    private WarmUp() {
    }

    /** Sends {@code GET /models} once per JVM to the server; leaves no stub and no journal entry behind. */
    public static void against(WireMockServer wm) {
        if (done) {
            return;
        }
        StubMapping stub = wm.stubFor(get("/warm-up/models").willReturn(aResponse().withStatus(200).withBody("{\"data\":[]}")));
        try (OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/warm-up").build()) {
            client.models().block(Duration.ofSeconds(60));
        } finally {
            wm.removeStub(stub);
            wm.resetRequests();
        }
        done = true;
    }
}
