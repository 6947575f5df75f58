package dev.fluxllm.internal.sse;

import java.util.ArrayList;
import java.util.List;

/** Lists realistic chat-completion streams, written from the per-server facts in PROVIDERS.md. */
final class Fixtures {

    private Fixtures() {
    }

    /** Returns every fixture with LF, CRLF and CR line ends. */
    static List<Fixture> allLineEnds() {
        List<Fixture> out = new ArrayList<>();
        for (Fixture f : base()) {
            out.add(f.withLineEnd("LF", "\n"));
            out.add(f.withLineEnd("CRLF", "\r\n"));
            out.add(f.withLineEnd("CR", "\r"));
        }
        return out;
    }

    static List<Fixture> base() {
        return List.of(openAiText(), openAiParallelToolCalls(), openAiMidStreamError(), vllmKeepAlive(), tgi(),
                llamaCpp(), ollama(), azure(), openRouter(), deepSeekReasoning(), errorEvent(), nonAscii(),
                fieldsAndMultiLineData());
    }

    private static final String OPENAI_HEAD =
            "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_4d82c8ad0a\",";

    private static String openAi(String delta, String finish, String usage) {
        return OPENAI_HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + finish + "}],\"usage\":" + usage + ",\"obfuscation\":\"x7Qa\"}";
    }

    static Fixture openAiText() {
        return Fixture.named("OpenAI text with usage and [DONE]")
                .data(openAi("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null", "null"))
                .data(openAi("{\"content\":\"Hello\"}", "null", "null"))
                .data(openAi("{\"content\":\" there\"}", "null", "null"))
                .data(openAi("{\"content\":\"! How can I help?\\n\\nAsk away.\"}", "null", "null"))
                .data(openAi("{}", "\"stop\"", "null"))
                .data(OPENAI_HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,"
                        + "\"total_tokens\":21,\"prompt_tokens_details\":{\"cached_tokens\":0}}}")
                .done()
                .build();
    }

    static Fixture openAiParallelToolCalls() {
        return Fixture.named("OpenAI parallel tool calls")
                .data(openAi("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null}", "null", "null"))
                .data(openAi("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}", "null", "null"))
                .data(openAi("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\": \\\"Paris\\\"}\"}}]}",
                        "null", "null"))
                .data(openAi("{\"tool_calls\":[{\"index\":1,\"id\":\"call_ABC123def456\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]}", "null", "null"))
                .data(openAi("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"tz\\\":\\\"CET\\\"}\"}}]}",
                        "null", "null"))
                .data(openAi("{}", "\"tool_calls\"", "null"))
                .done()
                // After [DONE] the listener stops: nothing below may be delivered.
                .raw("data: {\"late\":true}\n\n")
                .build();
    }

    static Fixture openAiMidStreamError() {
        return Fixture.named("OpenAI mid-stream error")
                .data(openAi("{\"role\":\"assistant\",\"content\":\"\"}", "null", "null"))
                .data(openAi("{\"content\":\"Partial\"}", "null", "null"))
                .data("{\"error\": {\"message\": \"The server had an error while processing your request.\", "
                        + "\"type\": \"server_error\", \"param\": null, \"code\": null}}")
                .build();
    }

    private static String vllm(String delta, String finish) {
        return "{\"id\":\"chatcmpl-7c1e2a\",\"object\":\"chat.completion.chunk\",\"created\":1741570300,"
                + "\"model\":\"Qwen/Qwen2.5-1.5B-Instruct\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finish + ",\"stop_reason\":null}]}";
    }

    static Fixture vllmKeepAlive() {
        return Fixture.named("vLLM with keep-alive and tool call")
                .data(vllm("{\"role\":\"assistant\",\"content\":\"\"}", "null"))
                .comment("keep-alive")
                .data(vllm("{\"reasoning_content\":\"Need the weather.\"}", "null"))
                .raw(": keep-alive\n")
                .data(vllm("{\"content\":\"Checking\",\"tool_calls\":[{\"index\":0,\"type\":\"function\","
                        + "\"id\":\"chatcmpl-tool-5f0c3b7e9a1d4c2f8e6b\",\"function\":{\"name\":\"get_weather\"}}]}",
                        "null"))
                .data(vllm("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \\\"Berlin\\\"}\"}}]}",
                        "null"))
                .data(vllm("{}", "\"tool_calls\""))
                .done()
                .build();
    }

    private static String tgiChunk(String content, String finish) {
        return "{\"object\":\"chat.completion.chunk\",\"id\":\"\",\"created\":1741570400,"
                + "\"model\":\"meta-llama/Meta-Llama-3-8B-Instruct\",\"system_fingerprint\":\"2.4.1-sha-d2ed52f\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"logprobs\":null,\"finish_reason\":" + finish + "}],\"usage\":null}";
    }

    static Fixture tgi() {
        return Fixture.named("TGI without space after data:")
                .dataNoSpace(tgiChunk("Deep", "null"))
                .raw(":\n\n")
                .dataNoSpace(tgiChunk(" learning", "null"))
                .dataNoSpace(tgiChunk(" is", "null"))
                .dataNoSpace(tgiChunk(" fun.", "\"stop_sequence\""))
                .raw("data:[DONE]\n\n", Event.message("[DONE]"))
                .build();
    }

    private static String llama(String delta, String finish, String extra) {
        return "{\"choices\":[{\"finish_reason\":" + finish + ",\"index\":0,\"delta\":" + delta + "}],"
                + "\"created\":1741570500,\"id\":\"chatcmpl-kQ2mZ\",\"model\":\"gpt-3.5-turbo\","
                + "\"system_fingerprint\":\"b4800-1a2b3c4d\",\"object\":\"chat.completion.chunk\"" + extra + "}";
    }

    static Fixture llamaCpp() {
        return Fixture.named("llama.cpp with reasoning, keep-alive and error without [DONE]")
                .data(llama("{\"role\":\"assistant\",\"content\":null}", "null", ""))
                .data(llama("{\"reasoning_content\":\"Let me think\"}", "null", ""))
                .raw(":\n\n")
                .data(llama("{\"content\":\"Answer: 42\"}", "null",
                        ",\"timings\":{\"prompt_n\":12,\"prompt_ms\":30.1,\"predicted_n\":5,\"predicted_ms\":80.7}"))
                .data("{\"error\":{\"code\":500,\"message\":\"slot unavailable\",\"type\":\"server_error\"}}")
                .build();
    }

    static Fixture ollama() {
        String head = "{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1741570600,"
                + "\"model\":\"llama3.2\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":";
        return Fixture.named("Ollama whole tool call")
                .data(head + "{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"hmm\"},\"finish_reason\":null}]}")
                .data(head + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_ab12cd34\","
                        + "\"index\":0,\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Tokyo\\\"}\"}}]},\"finish_reason\":null}]}")
                .data(head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"tool_calls\"}]}")
                .done()
                .build();
    }

    static Fixture azure() {
        return Fixture.named("Azure empty-choices first chunk")
                .data("{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                        + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":"
                        + "{\"filtered\":false,\"severity\":\"safe\"},\"self_harm\":{\"filtered\":false,"
                        + "\"severity\":\"safe\"}}}]}")
                .data("{\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"\",\"role\":\"assistant\"},"
                        + "\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"created\":1741570700,"
                        + "\"id\":\"chatcmpl-AZ1\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\"}")
                .data("{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},"
                        + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],"
                        + "\"created\":1741570700,\"id\":\"chatcmpl-AZ1\",\"model\":\"gpt-4o-2024-11-20\","
                        + "\"object\":\"chat.completion.chunk\"}")
                .data("{\"choices\":[{\"content_filter_results\":{},\"delta\":{},\"finish_reason\":\"content_filter\","
                        + "\"index\":0,\"logprobs\":null}],\"created\":1741570700,\"id\":\"chatcmpl-AZ1\","
                        + "\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\"}")
                .done()
                .build();
    }

    static Fixture openRouter() {
        String head = "{\"id\":\"gen-1741570800-abc\",\"provider\":\"Together\",\"model\":\"meta-llama/llama-3.3-70b\","
                + "\"object\":\"chat.completion.chunk\",\"created\":1741570800,";
        return Fixture.named("OpenRouter processing comments and error chunk")
                .comment("OPENROUTER PROCESSING")
                .comment("OPENROUTER PROCESSING")
                .data(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Sure\"},"
                        + "\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}")
                .comment("OPENROUTER PROCESSING")
                .data(head + "\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected\"},"
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}")
                .build();
    }

    static Fixture deepSeekReasoning() {
        String head = "{\"id\":\"5f1c2d3e-ds\",\"object\":\"chat.completion.chunk\",\"created\":1741570900,"
                + "\"model\":\"deepseek-reasoner\",\"system_fingerprint\":\"fp_7e73fd9a08_prod0225\",\"choices\":"
                + "[{\"index\":0,\"delta\":";
        return Fixture.named("DeepSeek reasoning with keep-alive")
                .raw(": keep-alive\n\n: keep-alive\n\n")
                .data(head + "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}")
                .data(head + "{\"content\":null,\"reasoning_content\":\"9.11 vs 9.9: compare tenths.\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}")
                .data(head + "{\"content\":\"9.9 is larger.\",\"reasoning_content\":null},\"logprobs\":null,"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":30,"
                        + "\"total_tokens\":46,\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":16}}")
                .done()
                .build();
    }

    static Fixture errorEvent() {
        return Fixture.named("event: error")
                .data(vllm("{\"role\":\"assistant\",\"content\":\"\"}", "null"))
                .event("error", "{\"error\":{\"message\":\"context length exceeded\",\"type\":\"BadRequestError\","
                        + "\"param\":null,\"code\":400}}")
                .data("[DONE]")
                .build();
    }

    static Fixture nonAscii() {
        return Fixture.named("non-ASCII content")
                .data(openAi("{\"content\":\"héllo 世界 🎉\"}", "null", "null"))
                .data(openAi("{\"content\":\"Ωmega ñandú — «quotes» 𝄞 ﷽\"}", "null", "null"))
                .raw("data: 日本語\ndata: 🎉🎉\n\n", Event.message("日本語\n🎉🎉"))
                .event("ümlaut", "\"ß\"")
                .done()
                .build();
    }

    static Fixture fieldsAndMultiLineData() {
        return Fixture.named("id, retry, multi-line data and naked fields")
                .raw("retry: 3000\nid: 41\n\n")
                .raw("id: 42\nevent: add\ndata: {\"a\":\ndata:  1}\n\n", Event.of("add", "{\"a\":\n 1}"))
                .raw("data\ndata\n\n", Event.message("\n"))
                .raw("Data: ignored\nfoo: bar\ndata:x\n: c\n\n", Event.message("x"))
                .raw("event: only-type\n\n")
                .raw("data:\n\n", Event.message(""))
                .done()
                .build();
    }
}
