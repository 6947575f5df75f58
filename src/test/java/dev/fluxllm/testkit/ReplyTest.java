package dev.fluxllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.testkit.ReplySpec.Ending;
import dev.fluxllm.testkit.ReplySpec.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyTest {

    private static final RecordedRequest REQUEST = new RecordedRequest("POST", "/v1/chat/completions",
            Map.of("Content-Type", List.of("application/json")),
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"text\",\"text\":\"there\"}]}]}");

    @Test
    void optionsReturnChangedCopiesAndLeaveTheOriginalAlone() {
        Reply base = Reply.text("Hello");
        Reply changed = base.chunkSize(2).delay(Duration.ofMillis(5)).usage(1, 2).finishReason("length");

        assertThat(changed).isNotSameAs(base);
        assertThat(base.spec().chunkSize).isZero();
        assertThat(base.spec().delay).isZero();
        assertThat(base.spec().usage).isNull();
        assertThat(base.spec().effectiveFinishReason()).isEqualTo("stop");
        assertThat(changed.spec().chunkSize).isEqualTo(2);
        assertThat(changed.spec().effectiveFinishReason()).isEqualTo("length");
    }

    @Test
    void toolCallsGetDistinctDeterministicIdsAndFinishWithToolCalls() {
        Reply reply = Reply.toolCall("a", "{}").andToolCall("b", "{}");

        assertThat(reply.spec().toolCalls).extracting(ReplySpec.ScriptedToolCall::id)
                .allMatch(id -> id.matches("call_[0-9a-f]{8}")).doesNotHaveDuplicates();
        assertThat(Reply.toolCall("a", "{}").spec().toolCalls.get(0).id()).isEqualTo(reply.spec().toolCalls.get(0).id());
        assertThat(reply.spec().effectiveFinishReason()).isEqualTo("tool_calls");
    }

    @Test
    void faultOptionsSetTheEnding() {
        assertThat(Reply.text("x").errorAfter(2, "boom").spec().ending).isEqualTo(Ending.ERROR_EVENT);
        assertThat(Reply.text("x").cutOffAfter(1).spec().endAfter).isEqualTo(1);
        assertThat(Reply.text("x").withoutDone().spec().ending).isEqualTo(Ending.NO_DONE);
        assertThat(Reply.hangAfterHeaders().spec().ending).isEqualTo(Ending.STALL);
        assertThat(Reply.hang().spec().kind).isEqualTo(Kind.HANG);
    }

    @Test
    void invalidArgumentsNameTheField() {
        assertThatThrownBy(() -> Reply.text("x").chunkSize(0)).hasMessage("chunkSize: 0 (expected: >= 1)");
        assertThatThrownBy(() -> Reply.text("x").delay(Duration.ofMillis(-1))).hasMessageStartingWith("delay:");
        assertThatThrownBy(() -> Reply.error(200, "x")).hasMessage("status: 200 (expected: 400 to 599)");
        assertThatThrownBy(() -> Reply.text("x").header("X-A", "1\r\nX-B: 2")).hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> Reply.text("x").cutOffAfter(-1)).hasMessage("chunks: -1 (expected: >= 0)");
        assertThatThrownBy(() -> Reply.toolCall("", "{}")).hasMessage("name: must not be empty");
        assertThatThrownBy(() -> Reply.text(null)).hasMessage("text must not be null");
        assertThatThrownBy(() -> Reply.text("x").usage(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsThatDoNotFitTheKindAreRefused() {
        assertThatThrownBy(() -> Reply.status(500, "{}").delay(Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("delay: not available on status replies (available on: [completion, raw])");
        assertThatThrownBy(() -> Reply.raw("data: x\n\n").reasoning("r")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Reply.hang().header("a", "b")).isInstanceOf(IllegalStateException.class);
        assertThat(Reply.raw("x").chunkSize(3).delay(Duration.ofMillis(1)).spec().chunkSize).isEqualTo(3);
    }

    @Test
    void dynamicReplyAppliesLaterOptionsToWhatTheFunctionReturns() {
        Reply dynamic = Reply.from(r -> Reply.text("Model " + r.model())).chunkSize(3).header("x-a", "1");

        ReplySpec resolved = dynamic.resolve(REQUEST);

        assertThat(resolved.text).isEqualTo("Model m");
        assertThat(resolved.chunkSize).isEqualTo(3);
        assertThat(resolved.headers).containsExactly(Map.entry("x-a", "1"));
    }

    @Test
    void dynamicReplyThatReturnsNullOrLoopsFailsClearly() {
        assertThatThrownBy(() -> Reply.from(r -> null).resolve(REQUEST)).hasMessageContaining("returned null");
        Reply[] loop = new Reply[1];
        loop[0] = Reply.from(r -> loop[0]);
        assertThatThrownBy(() -> loop[0].resolve(REQUEST)).hasMessageContaining("nest deeper than 16");
    }

    @Test
    void echoQuotesTheLastUserMessageJoiningTextParts() {
        assertThat(Reply.echo().resolve(REQUEST).text)
                .isEqualTo("You said: Hi there. This is a scripted answer from ScriptedLlmServer.");
        assertThat(EchoResponder.answer("Why?")).isEqualTo("You said: Why? This is a scripted answer from ScriptedLlmServer.");
        assertThat(EchoResponder.answer("x".repeat(500))).hasSizeLessThan(300).contains("…");
    }

    @Test
    void toStringSummarises() {
        assertThat(Reply.text("Hello").cutOffAfter(2)).hasToString("Reply{completion, text=\"Hello\", cut off after 2}");
        assertThat(Reply.error(429, "slow down")).hasToString("Reply{status, status=429}");
    }
}
