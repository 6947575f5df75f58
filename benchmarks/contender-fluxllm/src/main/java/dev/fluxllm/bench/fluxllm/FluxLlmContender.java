package dev.fluxllm.bench.fluxllm;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * FluxLLM through its public API: {@code stream(req).as(ChatStreams::assemble)} and
 * {@code generate(req)}. The pool is sized like the baselines' (the default, 500 connections,
 * would queue the 1,000-10,000 slow streams and measure a setting instead of the code).
 */
public final class FluxLlmContender implements Contender {

    private OpenAiCompatClient client;
    private ChatRequest request;

    @Override
    public void open(String baseUrl) {
        client = OpenAiCompatClient.builder()
            .baseUrl(baseUrl)
            .apiKey("sk-bench")
            .maxConnections(20_000)
            .pendingAcquireMaxCount(20_000)
            .pendingAcquireTimeout(Duration.ofMinutes(5))
            .build();
        request = ChatRequest.builder().model("gpt-4o").user("Say something.").build();
    }

    @Override
    public CompletionStage<Answer> stream() {
        return client.stream(request).as(ChatStreams::assemble).map(FluxLlmContender::answer).toFuture();
    }

    @Override
    public CompletionStage<Answer> generate() {
        return client.generate(request).map(FluxLlmContender::answer).toFuture();
    }

    private static Answer answer(ChatResponse r) {
        return Answer.of(r.text(), r.toolCalls().stream()
            .map(t -> new Answer.Call(t.id(), t.name(), t.arguments())).toList());
    }

    @Override
    public void close() {
        client.close();
    }
}
