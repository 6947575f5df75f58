package dev.fluxllm.bench.springai11;

import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import org.springframework.ai.openai.api.OpenAiApi.ChatCompletionMessage;
import org.springframework.ai.openai.api.OpenAiApi.ChatCompletionMessage.ToolCall;
import org.springframework.ai.openai.api.OpenAiApi.ChatCompletionRequest;

/**
 * Spring AI 1.1, the last line whose {@code OpenAiApi} streams through WebClient (Reactor Netty):
 * {@code chatCompletionStream} (which already merges tool-call fragments itself), assembled here
 * by concatenating content and keeping tool calls by index (else id); non-streaming {@code chatCompletionEntity}
 * goes through RestClient and blocks.
 */
public final class SpringAiWebClientContender implements Contender {

    private OpenAiApi api;
    private List<ChatCompletionMessage> messages;

    @Override
    public String unsupported(Scenario scenario) {
        if (scenario.responses()) {
            return "Spring AI 1.1.8 has no Responses API client (OpenAiApi calls chat completions)";
        }
        return scenario.http2() ? "h2c would need a hand-built WebClient connector: not set up here" : null;
    }

    @Override
    public void open(String baseUrl) {
        // The same 20,000-connection pool as the baselines and FluxLLM: WebClient's default (500
        // connections, 1,000 waiting) fails the 5,000- and 10,000-stream runs at once.
        ConnectionProvider pool = ConnectionProvider.builder("bench").maxConnections(20_000)
            .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofMinutes(5)).build();
        WebClient.Builder web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)));
        // OpenAiApi appends /v1/chat/completions itself.
        api = OpenAiApi.builder().baseUrl(baseUrl.replaceFirst("/v1$", "")).apiKey("sk-bench")
            .webClientBuilder(web).build();
        messages = List.of(new ChatCompletionMessage("Say something.", ChatCompletionMessage.Role.USER));
    }

    @Override
    public boolean blocks(boolean stream) {
        return !stream;
    }

    @Override
    public CompletionStage<Answer> stream() {
        StringBuilder text = new StringBuilder();
        Map<String, String[]> calls = new LinkedHashMap<>();
        String[] last = {null};
        return api.chatCompletionStream(new ChatCompletionRequest(messages, "gpt-4o", (Double) null, true))
            .doOnNext(chunk -> {
                if (chunk.choices() == null || chunk.choices().isEmpty()) {
                    return;
                }
                ChatCompletionMessage delta = chunk.choices().get(0).delta();
                if (delta.content() != null) {
                    text.append(delta.content());
                }
                if (delta.toolCalls() != null) {
                    for (ToolCall tc : delta.toolCalls()) {
                        // By index when the (merged) call has one, else by id, else onto the last call.
                        String key = tc.index() != null ? "#" + tc.index()
                            : tc.id() != null && !tc.id().isEmpty() ? tc.id() : last[0];
                        last[0] = key;
                        String[] call = calls.computeIfAbsent(key, k -> new String[] {null, null, ""});
                        if (call[0] == null && tc.id() != null && !tc.id().isEmpty()) {
                            call[0] = tc.id();
                        }
                        if (call[1] == null && tc.function() != null) {
                            call[1] = tc.function().name();
                        }
                        if (tc.function() != null && tc.function().arguments() != null) {
                            call[2] += tc.function().arguments();
                        }
                    }
                }
            })
            .then(reactor.core.publisher.Mono.fromSupplier(() -> {
                List<Answer.Call> out = new ArrayList<>();
                calls.values().forEach(c -> out.add(new Answer.Call(c[0], c[1], c[2])));
                return Answer.of(text.toString(), out);
            }))
            .toFuture();
    }

    @Override
    public CompletionStage<Answer> generate() {
        var completion = api.chatCompletionEntity(new ChatCompletionRequest(messages, "gpt-4o", (Double) null, false)).getBody();
        Object content = completion.choices().get(0).message().rawContent();
        return CompletableFuture.completedFuture(Answer.of(content == null ? "" : content.toString(), List.of()));
    }
}
