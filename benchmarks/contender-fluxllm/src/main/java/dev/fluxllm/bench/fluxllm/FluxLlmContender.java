package dev.fluxllm.bench.fluxllm;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.HttpVersion;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import dev.fluxllm.responses.Response;
import dev.fluxllm.responses.ResponseRequest;
import dev.fluxllm.responses.ResponseStreams;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * FluxLLM through its public API: {@code stream(req).as(ChatStreams::assemble)} and
 * {@code generate(req)}; for the Responses scenarios {@code stream(ResponseRequest)
 * .as(ResponseStreams::assemble)}; for the HTTP/2 ones {@code httpVersion(HttpVersion.HTTP_2)}
 * (h2c with prior knowledge over plain http). The pool is sized like the baselines' (the default,
 * 500 connections, would queue the 1,000-10,000 slow streams and measure a setting instead of the code).
 */
public final class FluxLlmContender implements Contender {

    private OpenAiCompatClient client;
    private ChatRequest request;
    private ResponseRequest responseRequest;
    private boolean responses;

    @Override
    public void open(String baseUrl) {
        open(baseUrl, Scenario.parse("text-1"));
    }

    @Override
    public void open(String baseUrl, Scenario scenario) {
        client = OpenAiCompatClient.builder()
            .baseUrl(baseUrl)
            .apiKey("sk-bench")
            .maxConnections(20_000)
            .pendingAcquireMaxCount(20_000)
            .pendingAcquireTimeout(Duration.ofMinutes(5))
            .httpVersion(scenario.http2() ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
            .build();
        request = ChatRequest.builder().model("gpt-4o").user("Say something.").build();
        responseRequest = ResponseRequest.builder().model("gpt-4.1").input("Say something.").build();
        responses = scenario.responses();
    }

    @Override
    public String unsupported(Scenario scenario) {
        return null;
    }

    @Override
    public CompletionStage<Answer> stream() {
        if (responses) {
            return client.stream(responseRequest).as(ResponseStreams::assemble).map(FluxLlmContender::answer).toFuture();
        }
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

    private static Answer answer(Response r) {
        return Answer.of(r.outputText(), r.functionCalls().stream()
            .map(t -> new Answer.Call(t.id(), t.name(), t.arguments())).toList());
    }

    @Override
    public void close() {
        client.close();
    }
}
