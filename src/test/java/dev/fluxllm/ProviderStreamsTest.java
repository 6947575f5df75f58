package dev.fluxllm;

import static dev.fluxllm.support.ScriptedHttpServer.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.internal.json.Json;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.ScriptedHttpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * Streams byte fixtures shaped like each provider's real output (PROVIDERS.md) through
 * {@code client.stream(...)} and {@link ChatStreams#assemble}, end to end over HTTP.
 */
class ProviderStreamsTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);
    private static final ChatRequest REQUEST = ChatRequest.builder().user("What is the weather in Paris?").build();

    static ScriptedHttpServer server;
    OpenAiCompatClient client;

    @BeforeAll
    static void start() {
        server = new ScriptedHttpServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void newClient() {
        client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                .retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void noConnectionLeftInUse() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "client connections released");
        client.close();
    }

    /** Serves the fixture as an event stream; {@code |} splits it into separately flushed writes. */
    private static void serve(String fixture) {
        String[] parts = fixture.split("\\|", -1);
        ScriptedHttpServer.Step[] steps = new ScriptedHttpServer.Step[parts.length];
        for (int i = 0; i < parts.length; i++) {
            steps[i] = write(parts[i]);
        }
        server.serve(steps);
    }

    private static void serveReply(int status, String contentType, String body) {
        server.handle((n, req, res) -> res.status(status).header("Content-Type", contentType)
                .sendString(Mono.just(body)));
    }

    private ChatResponse assemble(ChatRequest request) {
        return client.stream(request).as(ChatStreams::assemble).block(VERIFY);
    }

    private List<ChatChunk> chunks() {
        return client.stream(REQUEST).collectList().block(VERIFY);
    }

    private static JsonNode lastBody() {
        List<String> bodies = server.bodies();
        return Json.MAPPER.readTree(bodies.get(bodies.size() - 1));
    }

    // ---- OpenAI

    private static final String OPENAI_TEXT = """
            data: {"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"q8Xz"}

            data: {"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"a1"}

            data: {"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

            data: [DONE]

            """;

    @Test
    void openAiTextWithIncludeUsage() {
        serve(OPENAI_TEXT);
        ChatResponse r = assemble(ChatRequest.builder().user("hi").includeUsage(true).build());
        assertThat(r.id()).isEqualTo("chatcmpl-B9");
        assertThat(r.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.text()).isEqualTo("Hello there");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(new Usage(19, 10, 29));
        JsonNode body = lastBody();
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    }

    @Test
    void requestBodyHasStreamTrueAndNoStreamOptionsByDefault() {
        serve(OPENAI_TEXT);
        assertThat(chunks()).hasSize(5);
        JsonNode body = lastBody();
        assertThat(body.get("stream").isBoolean()).isTrue();
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body.get("model").asString()).isEqualTo("m");
    }

    @Test
    void streamEmitsOneChunkPerDataEventIncludingRoleOnlyAndEmptyChoices() {
        serve(OPENAI_TEXT);
        List<ChatChunk> chunks = chunks();
        assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Hello", " there", "", "");
        assertThat(chunks.get(0).choices().get(0).role()).isEqualTo("assistant");
        assertThat(chunks.get(3).finishReason()).isEqualTo("stop");
        assertThat(chunks.get(4).choices()).isEmpty();
        assertThat(chunks.get(4).usage().totalTokens()).isEqualTo(29);
        assertThat(chunks.get(0).usage()).isNull();
    }

    @Test
    void openAiParallelToolCalls() {
        serve("""
                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_Paris","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"ci"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\\": \\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_Rome","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"city\\": \\"Rome\\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

                data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":80,"completion_tokens":40,"total_tokens":120}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.text()).isEmpty();
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_Paris", "get_weather", "{\"city\": \"Paris\"}"),
                new ToolCall("call_Rome", "get_weather", "{\"city\": \"Rome\"}"));
        assertThat(r.toolCalls().get(1).parsedArguments()).isEqualTo(Map.of("city", "Rome"));
        assertThat(r.hasMalformedToolCalls()).isFalse();
        assertThat(r.usage().totalTokens()).isEqualTo(120);
    }

    // ---- Azure

    @Test
    void azureEmptyChoicesFirstChunkWithPromptFilterResults() {
        serve("""
                data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"}}}]}

                data: {"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1741570000,"id":"chatcmpl-AZ","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_az"}

                data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Sunny"},"finish_reason":null,"index":0,"logprobs":null}],"created":1741570000,"id":"chatcmpl-AZ","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_az"}

                data: {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1741570000,"id":"chatcmpl-AZ","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_az"}

                data: [DONE]

                """);
        List<ChatChunk> chunks = chunks();
        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(0).choices()).isEmpty();
        assertThat(chunks.get(0).id()).isEmpty();
        ChatResponse r = assemble(REQUEST);
        assertThat(r.id()).isEqualTo("chatcmpl-AZ");
        assertThat(r.model()).isEqualTo("gpt-4o-2024-11-20");
        assertThat(r.text()).isEqualTo("Sunny");
        assertThat(r.finishReason()).isEqualTo("stop");
    }

    @Test
    void azureContentFilterFinish() {
        serve("""
                data: {"choices":[{"content_filter_results":{},"delta":{"content":"I"},"finish_reason":null,"index":0}],"created":1,"id":"chatcmpl-AZ","model":"gpt-4o","object":"chat.completion.chunk"}

                data: {"choices":[{"content_filter_results":{"violence":{"filtered":true,"severity":"high"}},"delta":{},"finish_reason":"content_filter","index":0}],"created":1,"id":"chatcmpl-AZ","model":"gpt-4o","object":"chat.completion.chunk"}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.finishReason()).isEqualTo("content_filter");
        assertThat(r.text()).isEqualTo("I");
    }

    // ---- vLLM, SGLang

    @Test
    void vllmKeepAliveStopReasonAndToolOpenerWithoutArguments() {
        serve("""
                data: {"id":"chatcmpl-v1","object":"chat.completion.chunk","created":1741570001,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

                : keep-alive

                data: {"id":"chatcmpl-v1","object":"chat.completion.chunk","created":1741570001,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"content":"Let me check."},"logprobs":null,"finish_reason":null}]}

                data: {"id":"chatcmpl-v1","object":"chat.completion.chunk","created":1741570001,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"type":"function","id":"chatcmpl-tool-5f3c0e1a9b","function":{"name":"get_weather"}}]},"logprobs":null,"finish_reason":null}]}

                |: keep-alive

                |data: {"id":"chatcmpl-v1","object":"chat.completion.chunk","created":1741570001,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\": "}}]},"logprobs":null,"finish_reason":null}]}

                data: {"id":"chatcmpl-v1","object":"chat.completion.chunk","created":1741570001,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls","stop_reason":null}]}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.text()).isEqualTo("Let me check.");
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("chatcmpl-tool-5f3c0e1a9b", "get_weather", "{\"city\": \"Paris\"}"));
    }

    @Test
    void vllmStopReasonAndReasoningField() {
        serve("""
                data: {"id":"chatcmpl-v2","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

                data: {"id":"chatcmpl-v2","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"reasoning":"Two plus two"},"logprobs":null,"finish_reason":null}]}

                data: {"id":"chatcmpl-v2","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":"4"},"logprobs":null,"finish_reason":"stop","stop_reason":"</answer>"}]}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.reasoning()).isEqualTo("Two plus two");
        assertThat(r.text()).isEqualTo("4");
        assertThat(r.finishReason()).isEqualTo("stop");
    }

    @Test
    void sglangNullIdAndNameOnLaterFragmentsAndExtensionChunk() {
        serve("""
                data: {"id":"a1b2","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}

                data: {"id":"a1b2","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[{"index":0,"delta":{"role":null,"content":null,"reasoning_content":null,"tool_calls":[{"id":"call_0_sg","index":0,"type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}

                data: {"id":"a1b2","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[{"index":0,"delta":{"role":null,"content":null,"reasoning_content":null,"tool_calls":[{"id":null,"index":0,"type":null,"function":{"name":null,"arguments":"{\\"city\\": \\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}

                data: {"id":"a1b2","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[{"index":0,"delta":{"role":null,"content":null,"reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":"tool_calls","matched_stop":null}],"usage":null}

                data: {"id":"a1b2","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":12,"total_tokens":32}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.toolCalls()).containsExactly(new ToolCall("call_0_sg", "get_weather", "{\"city\": \"Paris\"}"));
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.usage().totalTokens()).isEqualTo(32);
    }

    // ---- llama.cpp

    @Test
    void llamaCppContentNullFirstDeltaAndTimings() {
        serve("""
                data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1741570002,"id":"chatcmpl-ll","model":"gpt-3.5-turbo","system_fingerprint":"b5000-abc","object":"chat.completion.chunk"}

                data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Bon"}}],"created":1741570002,"id":"chatcmpl-ll","model":"gpt-3.5-turbo","system_fingerprint":"b5000-abc","object":"chat.completion.chunk"}

                data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"jour"}}],"created":1741570002,"id":"chatcmpl-ll","model":"gpt-3.5-turbo","system_fingerprint":"b5000-abc","object":"chat.completion.chunk"}

                data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1741570002,"id":"chatcmpl-ll","model":"gpt-3.5-turbo","system_fingerprint":"b5000-abc","object":"chat.completion.chunk","usage":{"completion_tokens":2,"prompt_tokens":5,"total_tokens":7},"timings":{"prompt_n":5,"prompt_ms":12.5,"predicted_n":2,"predicted_ms":30.1,"predicted_per_second":66.4}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.text()).isEqualTo("Bonjour");
        assertThat(r.usage()).isEqualTo(new Usage(5, 2, 7));
    }

    @Test
    void llamaCppMidStreamErrorWithoutDone() {
        serve("""
                data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hi"}}],"created":1,"id":"chatcmpl-ll","model":"m","object":"chat.completion.chunk"}

                data: {"error":{"code":500,"message":"Failed to decode: KV cache is full","type":"server_error"}}

                """);
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(StreamErrorException.class).hasMessageContaining("KV cache is full");
                    assertThat(((OpenAiCompatException) e).partialResponse().text()).isEqualTo("Hi");
                })
                .verify(VERIFY);
    }

    @Test
    void llamaCppErrorBeforeFirstChunkIsTypedByStatus() {
        serveReply(400, "application/json; charset=utf-8",
                "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":5000,\"n_ctx\":4096}}");
        StepVerifier.create(client.stream(REQUEST))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(BadRequestException.class).hasMessageContaining("context size");
                    assertThat(((OpenAiCompatException) e).errorType()).isEqualTo("exceed_context_size_error");
                })
                .verify(VERIFY);
    }

    // ---- Ollama, TGI

    @Test
    void ollamaWholeToolCallsInOneChunk() {
        serve("""
                data: {"id":"chatcmpl-77","object":"chat.completion.chunk","created":1741570003,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

                data: {"id":"chatcmpl-77","object":"chat.completion.chunk","created":1741570003,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_ab12cd34","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},{"id":"call_ef56gh78","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},"finish_reason":null}]}

                data: {"id":"chatcmpl-77","object":"chat.completion.chunk","created":1741570003,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"tool_calls"}]}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_ab12cd34", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_ef56gh78", "get_weather", "{\"city\":\"Rome\"}"));
    }

    @Test
    void ollamaObjectArgumentsAreKept() {
        serve("""
                data: {"id":"chatcmpl-78","model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_x","index":0,"type":"function","function":{"name":"get_weather","arguments":{"city":"Paris","unit":"C"}}}]},"finish_reason":"tool_calls"}]}

                data: [DONE]

                """);
        ToolCall call = assemble(REQUEST).toolCalls().get(0);
        assertThat(call.argumentsValid()).isTrue();
        assertThat(call.parsedArguments()).isEqualTo(Map.of("city", "Paris", "unit", "C"));
    }

    @Test
    void tgiNoSpaceAfterDataColonAndRoleInEveryDelta() {
        serve("""
                data:{"object":"chat.completion.chunk","id":"","created":1741570004,"model":"meta-llama/Llama-3.1-8B-Instruct","system_fingerprint":"3.0.1-sha","choices":[{"index":0,"delta":{"role":"assistant","content":"The"},"logprobs":null,"finish_reason":null}],"usage":null}

                :

                data:{"object":"chat.completion.chunk","id":"","created":1741570004,"model":"meta-llama/Llama-3.1-8B-Instruct","system_fingerprint":"3.0.1-sha","choices":[{"index":0,"delta":{"role":"assistant","content":" end"},"logprobs":null,"finish_reason":null}],"usage":null}

                data:{"object":"chat.completion.chunk","id":"","created":1741570004,"model":"meta-llama/Llama-3.1-8B-Instruct","system_fingerprint":"3.0.1-sha","choices":[{"index":0,"delta":{"role":"assistant","content":"."},"logprobs":null,"finish_reason":"stop_sequence"}],"usage":null}

                data:[DONE]

                """);
        List<ChatChunk> chunks = chunks();
        assertThat(chunks).hasSize(3);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.text()).isEqualTo("The end.");
        assertThat(r.finishReason()).isEqualTo("stop_sequence");
        assertThat(r.id()).isEmpty();
    }

    @Test
    void tgiToolCallIdZeroOnEveryFragment() {
        serve("""
                data:{"object":"chat.completion.chunk","id":"","created":1,"model":"tgi","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"0","type":"function","function":{"name":"get_weather","arguments":"{\\""}}]},"logprobs":null,"finish_reason":null}]}

                data:{"object":"chat.completion.chunk","id":"","created":1,"model":"tgi","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"0","type":"function","function":{"name":null,"arguments":"city\\":\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null}]}

                data:{"object":"chat.completion.chunk","id":"","created":1,"model":"tgi","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[]},"logprobs":null,"finish_reason":"stop"}]}

                data:[DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("0", "get_weather", "{\"city\":\"Paris\"}"));
    }

    // ---- OpenRouter

    @Test
    void openRouterProcessingCommentsAreIgnored() {
        serve("""
                : OPENROUTER PROCESSING

                : OPENROUTER PROCESSING

                data: {"id":"gen-1","provider":"Together","model":"meta-llama/llama-3.1-8b-instruct","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

                data: {"id":"gen-1","provider":"Together","model":"meta-llama/llama-3.1-8b-instruct","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5,"cost":0.000001}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.text()).isEqualTo("Hi");
        assertThat(r.usage().totalTokens()).isEqualTo(5);
    }

    @Test
    void openRouterErrorChunkWithFinishReasonErrorIsNotEmitted() {
        serve("""
                : OPENROUTER PROCESSING

                data: {"id":"gen-2","provider":"Together","model":"x","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}]}

                data: {"id":"gen-2","object":"chat.completion.chunk","created":1,"model":"x","provider":"Together","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}

                """);
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                .expectNext("Par")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class)
                        .hasMessageContaining("Provider disconnected unexpectedly"))
                .verify(VERIFY);
    }

    // ---- DeepSeek, Groq, Mistral

    @Test
    void deepSeekReasoningContentWithKeepAlive() {
        serve("""
                data: {"id":"ds-1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp_ds","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}

                : keep-alive

                data: {"id":"ds-1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp_ds","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"User wants"},"logprobs":null,"finish_reason":null}]}

                data: {"id":"ds-1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp_ds","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" a number."},"logprobs":null,"finish_reason":null}]}

                data: {"id":"ds-1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp_ds","choices":[{"index":0,"delta":{"content":"7","reasoning_content":null},"logprobs":null,"finish_reason":null}]}

                data: {"id":"ds-1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp_ds","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":8},"prompt_cache_hit_tokens":8,"prompt_cache_miss_tokens":2,"completion_tokens_details":{"reasoning_tokens":15}}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.reasoning()).isEqualTo("User wants a number.");
        assertThat(r.text()).isEqualTo("7");
        assertThat(r.usage()).isEqualTo(new Usage(10, 20, 30, 8, 15));
        assertThat(client.stream(REQUEST).as(ChatStreams::reasoning).collectList().block(VERIFY))
                .containsExactly("User wants", " a number.");
    }

    @Test
    void groqXGroqAndWholeToolCallWithReasoning() {
        serve("""
                data: {"id":"chatcmpl-gq","object":"chat.completion.chunk","created":1,"model":"qwen/qwen3-32b","system_fingerprint":"fp_gq","choices":[{"index":0,"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01abc","seed":42}}

                data: {"id":"chatcmpl-gq","object":"chat.completion.chunk","created":1,"model":"qwen/qwen3-32b","system_fingerprint":"fp_gq","choices":[{"index":0,"delta":{"reasoning":"Need weather."},"logprobs":null,"finish_reason":null}]}

                data: {"id":"chatcmpl-gq","object":"chat.completion.chunk","created":1,"model":"qwen/qwen3-32b","system_fingerprint":"fp_gq","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_gq1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},"index":0}]},"logprobs":null,"finish_reason":null}]}

                data: {"id":"chatcmpl-gq","object":"chat.completion.chunk","created":1,"model":"qwen/qwen3-32b","system_fingerprint":"fp_gq","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01abc","usage":{"queue_time":0.01,"prompt_tokens":50,"prompt_time":0.002,"completion_tokens":20,"completion_time":0.05,"total_tokens":70,"total_time":0.052}},"usage":{"queue_time":0.01,"prompt_tokens":50,"prompt_time":0.002,"completion_tokens":20,"completion_time":0.05,"total_tokens":70,"total_time":0.052}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.reasoning()).isEqualTo("Need weather.");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("call_gq1", "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(r.usage()).isEqualTo(new Usage(50, 20, 70));
    }

    @Test
    void mistralNoIndexNoTypeToolCallsInFinishChunk() {
        serve("""
                data: {"id":"cmpl-mi","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

                data: {"id":"cmpl-mi","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"tool_calls":[{"id":"D681PevKs","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}},{"id":"Xq2bL9mZt","function":{"name":"get_time","arguments":"{\\"tz\\": \\"CET\\"}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":90,"total_tokens":120,"completion_tokens":30}}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("D681PevKs", "get_weather", "{\"city\": \"Paris\"}"),
                new ToolCall("Xq2bL9mZt", "get_time", "{\"tz\": \"CET\"}"));
        assertThat(r.usage().totalTokens()).isEqualTo(120);
    }

    @Test
    void unknownFieldsAnywhereAreIgnored() {
        serve("""
                data: {"future":{"a":[1,{"b":null}]},"id":"u1","choices":[{"index":0,"x":[[]],"delta":{"role":"assistant","annotations":[{"type":"url"}],"content":"ok","audio":null,"tool_calls":[{"index":0,"id":"c","type":"function","extra":{"k":1},"function":{"name":"f","strict":true,"arguments":"{}"}}]},"finish_reason":null,"meta":{"n":1}}],"usage":null,"trailer":"t"}

                data: {"id":"u1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost_details":{"x":1.5}},"more":[1,2,3]}

                data: [DONE]

                """);
        ChatResponse r = assemble(REQUEST);
        assertThat(r.text()).isEqualTo("ok");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("c", "f", "{}"));
        assertThat(r.usage().totalTokens()).isEqualTo(2);
    }

    // ---- errors inside the stream

    @Test
    void errorEventWhateverItsDataIsStreamError() {
        for (String data : List.of("{\"error\":{\"message\":\"overloaded\",\"type\":\"overloaded_error\"}}",
                "upstream timeout",
                "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"looks like a chunk\"}}]}")) {
            serve("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
                    + "event: error\ndata: " + data + "\n\ndata: [DONE]\n\n");
            StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                    .expectNext("a")
                    .expectErrorSatisfies(e -> assertThat(e).as(data).isInstanceOf(StreamErrorException.class))
                    .verify(VERIFY);
        }
    }

    @Test
    void midStreamErrorThenDone() {
        serve("""
                data: {"id":"v","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                data: {"error":{"message":"The engine is dead","type":"BadRequestError","param":null,"code":400}}

                data: [DONE]

                """);
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                .expectNext("Hi")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class)
                        .hasMessageContaining("The engine is dead"))
                .verify(VERIFY);
    }

    @Test
    void flatSglangErrorObjectMidStream() {
        serve("""
                data: {"id":"s","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                data: {"object":"error","message":"Request aborted","type":"BadRequestError","param":null,"code":400}

                data: [DONE]

                """);
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                .expectNext("Hi")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class)
                        .hasMessageContaining("Request aborted"))
                .verify(VERIFY);
    }

    // ---- end of stream

    @Test
    void noDoneAfterAllChoicesFinishedCompletes() {
        serve("""
                data: {"id":"n","choices":[{"index":0,"delta":{"content":"A"}},{"index":1,"delta":{"content":"B"}}]}

                data: {"id":"n","choices":[{"index":1,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"n","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}

                """);
        ChatResponse r = assemble(ChatRequest.builder().user("hi").n(2).build());
        assertThat(r.choices()).hasSize(2);
        assertThat(r.choices().get(0).text()).isEqualTo("A");
        assertThat(r.choices().get(1).text()).isEqualTo("B");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("length");
    }

    @Test
    void truncatedWhileOneChoiceOpenFailsWithPartialResponse() {
        serve("""
                data: {"id":"t","choices":[{"index":0,"delta":{"content":"A"}},{"index":1,"delta":{"content":"B"}}]}

                data: {"id":"t","choices":[{"index":1,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"t","choices":[{"index":0,"delta":{"content":"unfinished"""); // no event end
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(MalformedResponseException.class).hasMessageContaining("cut off");
                    ChatResponse partial = ((OpenAiCompatException) e).partialResponse();
                    assertThat(partial.choices()).extracting(c -> c.text()).containsExactly("A", "B");
                    assertThat(partial.finishReason()).isNull();
                    assertThat(partial.id()).isEqualTo("t");
                })
                .verify(VERIFY);
    }

    @Test
    void truncatedToolCallKeepsRawArgumentsInPartialResponse() {
        serve("""
                data: {"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Pa"}}]}}]}

                """);
        StepVerifier.create(client.stream(REQUEST).as(ChatStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(MalformedResponseException.class);
                    ChatResponse partial = ((OpenAiCompatException) e).partialResponse();
                    assertThat(partial.toolCalls().get(0).arguments()).isEqualTo("{\"city\": \"Pa");
                    assertThat(partial.hasMalformedToolCalls()).isTrue();
                })
                .verify(VERIFY);
    }

    @Test
    void emptyBodyIsCutOff() {
        serve("");
        StepVerifier.create(client.stream(REQUEST))
                .expectError(MalformedResponseException.class)
                .verify(VERIFY);
    }

    @Test
    void invalidJsonDataLineQuotesCappedSnippet() {
        String garbage = "{\"id\":\"x\",\"choices\":[" + "nonsense ".repeat(200);
        serve("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: " + garbage + "\n\ndata: [DONE]\n\n");
        StepVerifier.create(client.stream(REQUEST).map(ChatChunk::text))
                .expectNext("a")
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(MalformedResponseException.class)
                            .hasMessageContaining("{\"id\":\"x\",\"choices\":[nonsense");
                    assertThat(e.getMessage().length()).isLessThan(garbage.length() / 2);
                })
                .verify(VERIFY);
    }

    // ---- content types

    @Test
    void eventStreamMediaTypeMatchedIgnoringCaseAndParameters() {
        server.handle((n, req, res) -> res.status(200).header("Content-Type", "Text/Event-Stream;charset=UTF-8")
                .sendString(Mono.just(OPENAI_TEXT)));
        assertThat(assemble(REQUEST).text()).isEqualTo("Hello there");
    }

    @Test
    void jsonReplyToStreamRequestIsMalformed() {
        serveReply(200, "application/json",
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
        StepVerifier.create(client.stream(REQUEST))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedResponseException.class)
                        .hasMessageContaining("text/event-stream").hasMessageContaining("application/json"))
                .verify(VERIFY);
    }

    @Test
    void jsonErrorReplyWithStatus200IsTheErrorItHolds() {
        serveReply(200, "application/json", "{\"error\":{\"message\":\"model not loaded\",\"type\":\"invalid_request_error\"}}");
        StepVerifier.create(client.stream(REQUEST))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class)
                        .hasMessageContaining("model not loaded"))
                .verify(VERIFY);
    }
}
