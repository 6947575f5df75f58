package dev.fluxllm.bench.openai;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.helpers.ChatCompletionAccumulator;
import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import java.util.concurrent.CompletionStage;

/**
 * openai-java's async client: {@code subscribe} with a handler feeding its ChatCompletionAccumulator.
 * Its stream handler executor reads each body on a pool thread, so open streams hold threads.
 */
public final class OpenAiAsyncContender implements Contender {

    private OpenAIClientAsync client;

    @Override
    public void open(String baseUrl) {
        client = OpenAIOkHttpClientAsync.builder().baseUrl(baseUrl).apiKey("sk-bench").build();
    }

    @Override
    public CompletionStage<Answer> stream() {
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
