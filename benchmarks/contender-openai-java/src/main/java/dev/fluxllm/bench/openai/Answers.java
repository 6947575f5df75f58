package dev.fluxllm.bench.openai;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import dev.fluxllm.bench.core.Answer;
import java.util.List;

/** The request every openai-java contender sends, and its answer from a (possibly accumulated) completion. */
final class Answers {

    static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("Say something.").build();

    private Answers() {
    }

    static Answer of(ChatCompletion completion) {
        ChatCompletionMessage m = completion.choices().get(0).message();
        List<Answer.Call> calls = m.toolCalls().orElse(List.of()).stream().map(tc -> {
            ChatCompletionMessageFunctionToolCall f = tc.asFunction();
            return new Answer.Call(f.id(), f.function().name(), f.function().arguments());
        }).toList();
        return Answer.of(m.content().orElse(""), calls);
    }
}
