package dev.fluxllm.bench.springai;

import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.MessageAggregator;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI's latest release. Since 2.0 its OpenAI module has no low-level API class of its own
 * (it wraps the openai-java SDK), so its lowest honest level is {@code OpenAiChatModel}, built
 * without a Spring context; streams are assembled with Spring AI's {@code MessageAggregator}.
 * (Its ChatModel no longer runs tools itself in 2.0: it returns the calls.)
 */
public final class SpringAiContender implements Contender {

    private OpenAiChatModel model;
    private Prompt prompt;

    @Override
    public String unsupported(Scenario scenario) {
        if (scenario.responses()) {
            return "Spring AI 2.0.1 has no Responses API model (OpenAiChatModel calls chat completions)";
        }
        return scenario.http2() ? "h2c (an OkHttp client with H2_PRIOR_KNOWLEDGE under its openai-java client) not set up here" : null;
    }

    @Override
    public void open(String baseUrl) {
        OpenAiChatOptions options = OpenAiChatOptions.builder()
            .baseUrl(baseUrl).apiKey("sk-bench").model("gpt-4o").build();
        model = OpenAiChatModel.builder().options(options).build();
        prompt = new Prompt("Say something.");
    }

    @Override
    public boolean blocks(boolean stream) {
        return !stream;
    }

    @Override
    public CompletionStage<Answer> stream() {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        new MessageAggregator().aggregate(model.stream(prompt), r -> result.complete(answer(r)))
            .subscribe(r -> { }, result::completeExceptionally,
                () -> result.completeExceptionally(new IllegalStateException("no aggregated response")));
        return result;
    }

    @Override
    public CompletionStage<Answer> generate() {
        return CompletableFuture.completedFuture(answer(model.call(prompt)));
    }

    private static Answer answer(ChatResponse r) {
        AssistantMessage m = r.getResult().getOutput();
        List<Answer.Call> calls = m.getToolCalls().stream()
            .map(t -> new Answer.Call(t.id(), t.name(), t.arguments())).toList();
        return Answer.of(m.getText() == null ? "" : m.getText(), calls);
    }
}
