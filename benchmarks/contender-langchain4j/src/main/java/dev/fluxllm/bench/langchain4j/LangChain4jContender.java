package dev.fluxllm.bench.langchain4j;

import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiResponsesStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * LangChain4j with its default HTTP client (JDK HttpClient): {@code OpenAiStreamingChatModel}
 * for streams (callback, async), {@code OpenAiChatModel} for non-streaming calls (blocking);
 * {@code OpenAiResponsesStreamingChatModel} for the Responses API scenarios.
 */
public final class LangChain4jContender implements Contender {

    private static final List<dev.langchain4j.data.message.ChatMessage> MESSAGES =
        List.of(UserMessage.from("Say something."));

    private StreamingChatModel streaming;
    private OpenAiChatModel blocking;

    @Override
    public void open(String baseUrl) {
        open(baseUrl, Scenario.parse("text-1"));
    }

    @Override
    public void open(String baseUrl, Scenario scenario) {
        streaming = scenario.responses()
            ? OpenAiResponsesStreamingChatModel.builder().baseUrl(baseUrl).apiKey("sk-bench").modelName("gpt-4.1").build()
            : OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey("sk-bench").modelName("gpt-4o").build();
        blocking = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("sk-bench").modelName("gpt-4o").build();
    }

    @Override
    public String unsupported(Scenario scenario) {
        // Its default HTTP client, the JDK's, reaches HTTP/2 over plain http only through an
        // Upgrade from HTTP/1.1, never with prior knowledge.
        return scenario.http2() ? "JDK HttpClient has no h2c prior knowledge (only Upgrade)" : null;
    }

    @Override
    public boolean blocks(boolean stream) {
        return !stream;
    }

    @Override
    public CompletionStage<Answer> stream() {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        streaming.chat(MESSAGES, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                // The assembled text arrives with the complete response.
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                result.complete(answer(response.aiMessage()));
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    @Override
    public CompletionStage<Answer> generate() {
        return CompletableFuture.completedFuture(answer(blocking.chat(MESSAGES).aiMessage()));
    }

    private static Answer answer(AiMessage m) {
        List<Answer.Call> calls = m.toolExecutionRequests().stream()
            .map(t -> new Answer.Call(t.id(), t.name(), t.arguments())).toList();
        return Answer.of(m.text() == null ? "" : m.text(), calls);
    }
}
