package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ContentPart;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

    @Test
    void countsEveryMessageTextPartToolCallAndToolPlusTheCompletionBudget() {
        ContentPart part = ContentPart.text("abcd");
        ChatRequest request = ChatRequest.builder().model("m")
                .system("12345678")                                                  // 8 chars
                .message(ChatMessage.user(List.of(part, part)))                      // the parts as sent
                .message(ChatMessage.assistant("", List.of(new ToolCall("c1", "get", "{\"a\":1}"))))  // 3 + 7
                .tool(Tool.function("find", "look", "{}"))                           // 4 + 2 + 4
                .maxTokens(100)
                .build();
        long partChars = 2L * String.valueOf(part).length();
        long chars = 8 + partChars + 3 + 7 + 4 + 2 + 4;

        assertThat(TokenEstimate.of(request, 256)).isEqualTo((chars + 3) / 4 + 3 * 4 + 100);
    }

    @Test
    void withoutMaxTokensTheDefaultCompletionBudgetCounts() {
        ChatRequest request = ChatRequest.builder().model("m").user("abcdefgh").build();

        assertThat(TokenEstimate.of(request, 256)).isEqualTo(2 + 4 + 256);
        assertThat(TokenEstimate.of(request.toBuilder().maxCompletionTokens(10).build(), 256)).isEqualTo(2 + 4 + 10);
    }
}
