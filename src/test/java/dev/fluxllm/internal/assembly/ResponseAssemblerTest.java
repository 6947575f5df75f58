package dev.fluxllm.internal.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.ToolCall;
import dev.fluxllm.ToolCallDelta;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.json.ChunkReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assembles whole responses from chunks: choices, tool calls, usage, reasoning, id and model. */
class ResponseAssemblerTest {

    private static ChatChunk chunk(String id, ChunkChoice... choices) {
        return new ChatChunk(id, "m", 1700000000L, List.of(choices), null);
    }

    private static ChunkChoice text(int index, String content) {
        return new ChunkChoice(index, null, content, null, null, null);
    }

    private static ChunkChoice finish(int index, String reason) {
        return new ChunkChoice(index, null, null, null, null, reason);
    }

    private static ChunkChoice calls(int index, String finish, ToolCallDelta... deltas) {
        return new ChunkChoice(index, null, null, null, List.of(deltas), finish);
    }

    private static ChatChunk wire(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ChunkReader.forStream().read(bytes, 0, bytes.length);
    }

    private static ChatResponse assemble(ChatChunk... chunks) {
        ResponseAssembler a = new ResponseAssembler();
        for (ChatChunk c : chunks) {
            a.add(c);
        }
        return a.build();
    }

    @Test
    void contentOfNoneOneTwoAndManyDeltasIsTheirConcatenation() {
        assertThat(assemble(chunk("a", finish(0, "stop"))).text()).isEmpty();
        assertThat(assemble(chunk("a", text(0, "héllo")), chunk("a", finish(0, "stop"))).text()).isEqualTo("héllo");
        assertThat(assemble(chunk("a", text(0, "one ")), chunk("a", text(0, "two"))).text()).isEqualTo("one two");
        assertThat(assemble(chunk("a", text(0, "a")), chunk("a", text(0, "")), chunk("a", text(0, "b😀")),
                chunk("a", text(0, "c".repeat(100)))).text()).isEqualTo("ab😀" + "c".repeat(100));
    }

    @Test
    void textAcrossChunksWithRoleOnlyFirst() {
        ChatResponse r = assemble(
                chunk("c1", new ChunkChoice(0, "assistant", "", null, null, null)),
                chunk("c1", text(0, "Hel")), chunk("c1", text(0, "lo")), chunk("c1", finish(0, "stop")));
        assertThat(r.id()).isEqualTo("c1");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.text()).isEqualTo("Hello");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.toolCalls()).isEmpty();
        assertThat(r.usage()).isNull();
    }

    @Test
    void stopFinishReasonWithStreamedToolCallsStillCountsTheCalls() {
        ChatResponse r = assemble(
                chunk("c1", calls(0, null, new ToolCallDelta(null, "function-call-1", "function", "get_weather", "{\"city\":\"Paris\"}"))),
                chunk("c1", finish(0, "stop")));
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("function-call-1", "get_weather", "{\"city\":\"Paris\"}"));
    }

    @Test
    void mistralWholeCallsInTheFinishChunk() {
        ChatResponse r = assemble(wire("""
                {"id":"x","model":"mistral-small","choices":[{"index":0,"delta":{"tool_calls":[
                 {"id":"D681PevKs","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}},
                 {"id":"Xq2bL9mZt","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Rome\\"}"}}]},
                 "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}"""));
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.toolCalls()).extracting(ToolCall::id).containsExactly("D681PevKs", "Xq2bL9mZt");
        assertThat(r.toolCalls()).extracting(ToolCall::type).containsOnly("function");
        assertThat(r.usage().totalTokens()).isEqualTo(12);
    }

    @Test
    void ollamaObjectValuedArgumentsAreSerializedNeverDropped() {
        ChatResponse r = assemble(wire("""
                {"id":"o","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_ab12cd34","index":0,"type":"function",
                 "function":{"name":"get_weather","arguments":{"city":"Paris","days":2}}}]}}]}"""),
                wire("{\"id\":\"o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"));
        ToolCall call = r.toolCalls().get(0);
        assertThat(call.argumentsValid()).isTrue();
        assertThat(call.parsedArguments()).isEqualTo(Map.of("city", "Paris", "days", 2));
    }

    @Test
    void oneMalformedCallAmongSeveralMarksTheWholeResponse() {
        ChatResponse r = assemble(chunk("c1", calls(0, "tool_calls",
                new ToolCallDelta(0, "call_1", "function", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCallDelta(1, "call_2", "function", "get_weather", "{\"city\":"))));
        assertThat(r.hasMalformedToolCalls()).isTrue();
        assertThat(r.toolCalls().get(0).argumentsValid()).isTrue();
        ToolCall bad = r.toolCalls().get(1);
        assertThat(bad.argumentsValid()).isFalse();
        assertThat(bad.arguments()).isEqualTo("{\"city\":");
        assertThatThrownBy(bad::parsedArguments).isInstanceOf(MalformedToolCallException.class);
    }

    @Test
    void malformedCallInSecondChoiceMarksTheResponse() {
        ChatResponse r = assemble(chunk("c1", text(0, "fine"), calls(1, "tool_calls",
                new ToolCallDelta(0, "call_1", "function", "f", "not json"))));
        assertThat(r.choices().get(0).hasMalformedToolCalls()).isFalse();
        assertThat(r.hasMalformedToolCalls()).isTrue();
    }

    @Test
    void choicesAreAssembledSeparately() {
        ChatResponse r = assemble(
                chunk("c1", text(1, "B")),
                chunk("c1", text(0, "A"), text(1, "b")),
                chunk("c1", calls(1, null, new ToolCallDelta(0, "call_1", "function", "f", "{}"))),
                chunk("c1", text(0, "a"), finish(1, "tool_calls")),
                chunk("c1", finish(0, "length")));
        assertThat(r.choices()).extracting(ChatChoice::index).containsExactly(0, 1);
        assertThat(r.choices()).extracting(ChatChoice::text).containsExactly("Aa", "Bb");
        assertThat(r.choices()).extracting(ChatChoice::finishReason).containsExactly("length", "tool_calls");
        assertThat(r.choices().get(0).toolCalls()).isEmpty();
        assertThat(r.choices().get(1).toolCalls()).containsExactly(new ToolCall("call_1", "f", "{}"));
    }

    @Test
    void usageOnlyFinalChunkWithoutIdOrModel() {
        ResponseAssembler a = new ResponseAssembler();
        a.add(chunk("c1", text(0, "Hi")));
        a.add(chunk("c1", finish(0, "stop")));
        a.add(new ChatChunk(null, null, 0, List.of(), new Usage(3, 2, 5)));
        ChatResponse r = a.build();
        assertThat(r.id()).isEqualTo("c1");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.created()).isEqualTo(1700000000L);
        assertThat(r.usage()).isEqualTo(new Usage(3, 2, 5));
        assertThat(a.allChoicesFinished()).isTrue();
    }

    @Test
    void azureEmptyFirstChunkDoesNotHideIdAndModel() {
        ChatResponse r = assemble(
                wire("{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}"),
                wire("{\"id\":\"chatcmpl-az\",\"created\":1700000001,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"content_filter_results\":{}}]}"));
        assertThat(r.id()).isEqualTo("chatcmpl-az");
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.created()).isEqualTo(1700000001L);
        assertThat(r.text()).isEqualTo("ok");
    }

    @Test
    void usageKeptFromTheLastChunkThatHadIt() {
        ChatResponse r = assemble(
                new ChatChunk("c", "m", 1, List.of(text(0, "a")), new Usage(3, 1, 4)),
                new ChatChunk("c", "m", 1, List.of(text(0, "b")), new Usage(3, 2, 5)),
                new ChatChunk("c", "m", 1, List.of(finish(0, "stop")), null));
        assertThat(r.usage()).isEqualTo(new Usage(3, 2, 5));
    }

    @Test
    void reasoningFromReasoningContentAndFromReasoning() {
        ChatResponse deepseek = assemble(
                wire("{\"id\":\"d\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Think\"}}]}"),
                wire("{\"id\":\"d\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"ing.\"}}]}"),
                wire("{\"id\":\"d\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\",\"reasoning_content\":null}}]}"));
        assertThat(deepseek.reasoning()).isEqualTo("Thinking.");
        assertThat(deepseek.text()).isEqualTo("42");
        ChatResponse ollama = assemble(
                wire("{\"id\":\"o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"Hmm\"}}]}"),
                wire("{\"id\":\"o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\"}}]}"));
        assertThat(ollama.reasoning()).isEqualTo("Hmm");
        assertThat(ollama.text()).isEqualTo("42");
    }

    @Test
    void reasoningSentUnderBothNamesIsNotDoubled() {
        // Servers in transition from reasoning_content to reasoning (and proxies) fill both.
        ChatResponse r = assemble(
                wire("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Let me\",\"reasoning\":\"Let me\"}}]}"),
                wire("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\" think\",\"reasoning_content\":\" think\"}}]}"));
        assertThat(r.reasoning()).isEqualTo("Let me think");
    }
}
