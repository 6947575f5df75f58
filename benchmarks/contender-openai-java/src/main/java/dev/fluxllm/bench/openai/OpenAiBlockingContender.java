package dev.fluxllm.bench.openai;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * openai-java's blocking client: a Java Stream of chunks into its ChatCompletionAccumulator; for the
 * Responses scenarios {@code responses().createStreaming} into its ResponseAccumulator.
 */
public final class OpenAiBlockingContender implements Contender {

    private OpenAIClient client;
    private boolean responses;

    @Override
    public void open(String baseUrl) {
        open(baseUrl, Scenario.parse("text-1"));
    }

    @Override
    public void open(String baseUrl, Scenario scenario) {
        client = Clients.blocking(baseUrl, scenario);
        responses = scenario.responses();
    }

    @Override
    public String unsupported(Scenario scenario) {
        return Clients.unsupported(scenario);
    }

    @Override
    public boolean blocks(boolean stream) {
        return true;
    }

    @Override
    public CompletionStage<Answer> stream() {
        if (responses) {
            ResponseAccumulator acc = ResponseAccumulator.create();
            try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseAnswers.PARAMS)) {
                s.stream().forEach(acc::accumulate);
            }
            return CompletableFuture.completedFuture(ResponseAnswers.of(acc.response()));
        }
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(Answers.PARAMS)) {
            s.stream().forEach(acc::accumulate);
        }
        return CompletableFuture.completedFuture(Answers.of(acc.chatCompletion()));
    }

    @Override
    public CompletionStage<Answer> generate() {
        return CompletableFuture.completedFuture(Answers.of(client.chat().completions().create(Answers.PARAMS)));
    }

    @Override
    public void close() {
        client.close();
    }
}
