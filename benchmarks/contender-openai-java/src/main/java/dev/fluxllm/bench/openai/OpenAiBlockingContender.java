package dev.fluxllm.bench.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** openai-java's blocking client: a Java Stream of chunks into its ChatCompletionAccumulator. */
public final class OpenAiBlockingContender implements Contender {

    private OpenAIClient client;

    @Override
    public void open(String baseUrl) {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-bench").build();
    }

    @Override
    public boolean blocks(boolean stream) {
        return true;
    }

    @Override
    public CompletionStage<Answer> stream() {
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
