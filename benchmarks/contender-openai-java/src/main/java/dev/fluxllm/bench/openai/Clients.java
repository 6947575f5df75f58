package dev.fluxllm.bench.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import dev.fluxllm.bench.core.Scenario;
import java.time.Duration;
import java.util.List;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * openai-java's clients for a scenario. Over HTTP/1.1 the SDK builds its own OkHttp client; for the
 * HTTP/2 scenarios it is handed one ({@code OpenAIOkHttpClient.Builder.okHttpClient}) speaking
 * {@code Protocol.H2_PRIOR_KNOWLEDGE}, set up as the SDK sets up its own: no retries on connection
 * failure, no redirects, the dispatcher's per-host limit raised to its total (64), generous timeouts
 * (the SDK's default read timeout is 10 minutes).
 */
final class Clients {

    private Clients() {
    }

    static OpenAIClient blocking(String baseUrl, Scenario scenario) {
        OpenAIOkHttpClient.Builder b = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-bench");
        if (scenario.http2()) {
            b.okHttpClient(h2c());
        }
        return b.build();
    }

    static OpenAIClientAsync async(String baseUrl, Scenario scenario) {
        OpenAIOkHttpClientAsync.Builder b = OpenAIOkHttpClientAsync.builder().baseUrl(baseUrl).apiKey("sk-bench");
        if (scenario.http2()) {
            b.okHttpClient(h2c());
        }
        return b.build();
    }

    private static OkHttpClient h2c() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(dispatcher.getMaxRequests());
        return new OkHttpClient.Builder()
            .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
            .dispatcher(dispatcher)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(Duration.ofMinutes(1))
            .readTimeout(Duration.ofMinutes(10))
            .writeTimeout(Duration.ofMinutes(10))
            .build();
    }

    /** Both clients run the chat and Responses scenarios, over HTTP/1.1 and h2c. */
    static String unsupported(Scenario scenario) {
        return null;
    }
}
