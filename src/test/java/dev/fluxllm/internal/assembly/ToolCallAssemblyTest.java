package dev.fluxllm.internal.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.ToolCall;
import dev.fluxllm.ToolCallDelta;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Joins tool-call fragments shaped the way each provider streams them (see PROVIDERS.md). */
class ToolCallAssemblyTest {

    private static ToolCallDelta f(Integer index, String id, String type, String name, String args) {
        return new ToolCallDelta(index, id, type, name, args);
    }

    private static List<ToolCall> assemble(ToolCallDelta... fragments) {
        ToolCallAssembler a = new ToolCallAssembler();
        for (ToolCallDelta d : fragments) {
            a.add(d);
        }
        return a.build();
    }

    @Test
    void openAiParallelCallsIndexOnEveryFragmentIdAndNameOnlyFirst() {
        List<ToolCall> calls = assemble(
                f(0, "call_1", "function", "get_weather", ""),
                f(0, null, null, null, "{\"ci"),
                f(0, null, null, null, "ty\":\"Paris\"}"),
                f(1, "call_2", "function", "get_time", ""),
                f(1, null, null, null, "{\"tz\":"),
                f(1, null, null, null, "\"CET\"}"));
        assertThat(calls).containsExactly(
                new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_2", "get_time", "{\"tz\":\"CET\"}"));
        assertThat(calls).allMatch(ToolCall::argumentsValid);
        assertThat(calls.get(0).parsedArguments()).isEqualTo(Map.of("city", "Paris"));
    }

    @Test
    void interleavedFragmentsOfTwoCallsJoinByIndex() {
        List<ToolCall> calls = assemble(
                f(0, "call_a", "function", "get_weather", ""),
                f(1, "call_b", "function", "get_weather", ""),
                f(0, null, null, null, "{\"city\":"),
                f(1, null, null, null, "{\"city\":"),
                f(1, null, null, null, "\"Rome\"}"),
                f(0, null, null, null, "\"Oslo\"}"));
        assertThat(calls).containsExactly(
                new ToolCall("call_a", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("call_b", "get_weather", "{\"city\":\"Rome\"}"));
    }

    @Test
    void vllmOpenerWithoutArgumentsKey() {
        List<ToolCall> calls = assemble(
                f(0, "chatcmpl-tool-8c1f", "function", "get_weather", null),
                f(0, null, null, null, "{\"city\": \"Paris\"}"));
        assertThat(calls).containsExactly(new ToolCall("chatcmpl-tool-8c1f", "get_weather", "{\"city\": \"Paris\"}"));
    }

    @Test
    void sglangLaterFragmentsWithNullIdAndName() {
        List<ToolCall> calls = assemble(
                f(0, "call_x", "function", "get_weather", ""),
                f(0, null, null, null, "{\"city\""),
                f(0, null, null, null, ": \"Paris\"}"));
        assertThat(calls).containsExactly(new ToolCall("call_x", "get_weather", "{\"city\": \"Paris\"}"));
    }

    @Test
    void idRepeatedInEveryFragmentIsTakenOnce() {
        List<ToolCall> withIndex = assemble(
                f(0, "call_9", "function", "get_weather", "{\"a\""),
                f(0, "call_9", "function", null, ":1"),
                f(0, "call_9", "function", null, "}"));
        assertThat(withIndex).containsExactly(new ToolCall("call_9", "get_weather", "{\"a\":1}"));
        List<ToolCall> withoutIndex = assemble(
                f(null, "call_9", "function", "get_weather", "{\"a\""),
                f(null, "call_9", null, null, ":1"),
                f(null, "call_9", null, null, "}"));
        assertThat(withoutIndex).containsExactly(new ToolCall("call_9", "get_weather", "{\"a\":1}"));
    }

    @Test
    void nameRepeatedInEveryFragmentIsNeverConcatenated() {
        List<ToolCall> calls = assemble(
                f(0, "call_1", "function", "get_weather", "{\"city\":"),
                f(0, null, null, "get_weather", "\"Paris\""),
                f(0, null, null, "get_weather", "}"));
        assertThat(calls).extracting(ToolCall::name).containsExactly("get_weather");
        assertThat(calls.get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void llamaCppGrowingNameResentWholeLongerReplaces() {
        List<ToolCall> calls = assemble(
                f(0, "call_1", "function", "get", null),
                f(0, null, null, "get_wea", null),
                f(0, null, null, "get_weather", "{\"city\":\"Paris\"}"),
                f(0, null, null, "get_weather", null),
                f(0, null, null, "", null));
        assertThat(calls).containsExactly(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
    }

    @Test
    void headerFragmentWithIdButNoFunction() {
        List<ToolCall> calls = assemble(
                f(0, "call_1", "function", null, null),
                f(0, null, null, "get_weather", ""),
                f(0, null, null, null, "{}"));
        assertThat(calls).containsExactly(new ToolCall("call_1", "get_weather", "{}"));
    }

    @Test
    void alibabaTrailingEmptySentinelMakesNoPhantomCall() {
        List<ToolCall> sameIndex = assemble(
                f(0, "call_q", "function", "get_weather", ""),
                f(0, "", "function", null, "{\"city\":"),
                f(0, "", "function", null, "\"Hangzhou\"}"),
                f(0, "", "function", null, ""));
        assertThat(sameIndex).containsExactly(new ToolCall("call_q", "get_weather", "{\"city\":\"Hangzhou\"}"));
        List<ToolCall> ownIndex = assemble(
                f(0, "call_q", "function", "get_weather", "{\"city\":\"Hangzhou\"}"),
                f(1, "", "function", "", ""));
        assertThat(ownIndex).containsExactly(new ToolCall("call_q", "get_weather", "{\"city\":\"Hangzhou\"}"));
    }

    @Test
    void severalCompleteCallsInOneDelta() {
        ToolCallAssembler a = new ToolCallAssembler();
        for (ToolCallDelta d : List.of(
                f(0, "call_1", "function", "get_weather", "{\"city\":\"Paris\"}"),
                f(1, "call_2", "function", "get_weather", "{\"city\":\"Rome\"}"),
                f(2, "call_3", "function", "get_time", "{}"))) {
            a.add(d);
        }
        assertThat(a.build()).extracting(ToolCall::id).containsExactly("call_1", "call_2", "call_3");
        assertThat(a.build()).extracting(ToolCall::arguments)
                .containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}", "{}");
    }

    @Test
    void ollamaWholeCallsReusingIndexZeroWithDifferentIds() {
        List<ToolCall> calls = assemble(
                f(0, "call_ab12cd34", "function", "get_weather", "{\"city\":\"Paris\"}"),
                f(0, "call_ef56gh78", "function", "get_weather", "{\"city\":\"Rome\"}"));
        assertThat(calls).containsExactly(
                new ToolCall("call_ab12cd34", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_ef56gh78", "get_weather", "{\"city\":\"Rome\"}"));
    }

    @Test
    void geminiMissingIndexWholeCallsJoinById() {
        List<ToolCall> calls = assemble(
                f(null, "function-call-1", "function", "get_weather", "{\"city\":\"Paris\"}"),
                f(null, "function-call-2", "function", "get_time", "{\"tz\":\"CET\"}"));
        assertThat(calls).containsExactly(
                new ToolCall("function-call-1", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("function-call-2", "get_time", "{\"tz\":\"CET\"}"));
    }

    @Test
    void noIndexNoIdSameFunctionTwiceMakesTwoCalls() {
        // The last call is no longer open once its arguments form a whole JSON object.
        List<ToolCall> calls = assemble(
                f(null, null, null, "get_weather", "{\"city\":\"Paris\"}"),
                f(null, null, null, "get_weather", "{\"city\":\"Rome\"}"));
        assertThat(calls).extracting(ToolCall::arguments)
                .containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}");
    }

    @Test
    void noIndexNoIdFragmentsJoinTheLastOpenCall() {
        List<ToolCall> calls = assemble(
                f(null, null, null, "get_weather", "{\"city\":"),
                f(null, null, null, "get_weather", "\"Paris\"}"),
                f(null, null, null, null, ""));
        assertThat(calls).containsExactly(new ToolCall("", "get_weather", "{\"city\":\"Paris\"}"));
    }

    @Test
    void mistralNoIndexNoTypeWholeCalls() {
        List<ToolCall> calls = assemble(
                f(null, "D681PevKs", null, "get_weather", "{\"city\": \"Paris\"}"),
                f(null, "Xq2bL9mZt", null, "get_weather", "{\"city\": \"Rome\"}"));
        assertThat(calls).extracting(ToolCall::id).containsExactly("D681PevKs", "Xq2bL9mZt");
        assertThat(calls).extracting(ToolCall::type).containsOnly("function");
    }

    @Test
    void tgiIdZeroOnEveryFragmentWithNullName() {
        List<ToolCall> calls = assemble(
                f(0, "0", "function", "get_weather", "{\""),
                f(0, "0", "function", null, "city\":\"Paris"),
                f(0, "0", "function", null, "\"}"));
        assertThat(calls).containsExactly(new ToolCall("0", "get_weather", "{\"city\":\"Paris\"}"));
    }

    @Test
    void malformedArgumentsKeptRawNeverBraces() {
        List<ToolCall> calls = assemble(f(0, "call_1", "function", "get_weather", "{\"city\": \"Par"));
        ToolCall call = calls.get(0);
        assertThat(call.arguments()).isEqualTo("{\"city\": \"Par");
        assertThat(call.argumentsValid()).isFalse();
        assertThatThrownBy(call::parsedArguments).isInstanceOf(MalformedToolCallException.class)
                .hasMessageContaining("get_weather").hasMessageContaining("{\"city\": \"Par");
    }

    @Test
    void nonObjectArgumentsAreMalformed() {
        for (String args : List.of("[1,2]", "\"text\"", "42", "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}")) {
            ToolCall call = assemble(f(0, "c", "function", "f", args)).get(0);
            assertThat(call.argumentsValid()).as(args).isFalse();
            assertThat(call.arguments()).isEqualTo(args);
        }
    }

    @Test
    void blankArgumentsAreAValidCallWithoutArguments() {
        for (String args : new String[] {null, "", "  \n"}) {
            ToolCall call = assemble(f(0, "call_1", "function", "get_time", args)).get(0);
            assertThat(call.argumentsValid()).isTrue();
            assertThat(call.parsedArguments()).isEmpty();
        }
    }
}
