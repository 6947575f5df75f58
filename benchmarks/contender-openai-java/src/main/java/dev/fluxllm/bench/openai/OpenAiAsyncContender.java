package dev.fluxllm.bench.openai;

import com.openai.client.OpenAIClientAsync;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import java.util.concurrent.CompletionStage;

/**
 * openai-java's async client: {@code subscribe} with a handler feeding its ChatCompletionAccumulator.
 * Responses scenarios: {@code responses().createStreaming} into its ResponseAccumulator.
 * Its stream handler executor reads each body on a pool thread, so open streams hold threads.
 */
public final class OpenAiAsyncContender implements Contender {

    private OpenAIClientAsync client;
    private boolean responses;

    @Override
    public void open(String baseUrl) {
        open(baseUrl, Scenario.parse("text-1"));
    }

    @Override
    public void open(String baseUrl, Scenario scenario) {
        client = Clients.async(baseUrl, scenario);
        responses = scenario.responses();
    }

    @Override
    public String unsupported(Scenario scenario) {
        return Clients.unsupported(scenario);
    }

    @Override
    public CompletionStage<Answer> stream() {
        if (responses) {
            ResponseAccumulator acc = ResponseAccumulator.create();
            return client.responses().createStreaming(ResponseAnswers.PARAMS)
                .subscribe(acc::accumulate)
                .onCompleteFuture()
                .thenApply(v -> ResponseAnswers.of(acc.response()));
        }
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        return client.chat().completions().createStreaming(Answers.PARAMS)
            .subscribe(acc::accumulate)
            .onCompleteFuture()
            .thenApply(v -> Answers.of(acc.chatCompletion()));
    }

    @Override
    public CompletionStage<Answer> generate() {
        return client.chat().completions().create(Answers.PARAMS).thenApply(Answers::of);
    }

    @Override
    public void close() {
        client.close();
    }
}
