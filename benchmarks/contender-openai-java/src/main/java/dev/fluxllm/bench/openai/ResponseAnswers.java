package dev.fluxllm.bench.openai;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import dev.fluxllm.bench.core.Answer;
import java.util.ArrayList;
import java.util.List;

/** The Responses API request every openai-java contender sends, and its answer from a (accumulated) response. */
final class ResponseAnswers {

    static final ResponseCreateParams PARAMS = ResponseCreateParams.builder()
        .model("gpt-4.1").input("Say something.").build();

    private ResponseAnswers() {
    }

    /** Output text joined from the message items' output_text parts (as the SDKs compute it); calls in output order. */
    static Answer of(Response response) {
        StringBuilder text = new StringBuilder();
        List<Answer.Call> calls = new ArrayList<>();
        for (ResponseOutputItem item : response.output()) {
            if (item.isMessage()) {
                for (ResponseOutputMessage.Content c : item.asMessage().content()) {
                    if (c.isOutputText()) {
                        text.append(c.asOutputText().text());
                    }
                }
            } else if (item.isFunctionCall()) {
                var f = item.asFunctionCall();
                calls.add(new Answer.Call(f.callId(), f.name(), f.arguments()));
            }
        }
        return Answer.of(text.toString(), calls);
    }
}
