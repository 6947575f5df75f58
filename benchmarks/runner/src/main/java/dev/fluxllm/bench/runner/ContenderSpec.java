package dev.fluxllm.bench.runner;

import java.util.List;

/**
 * A contender: its label, the module whose classpath it runs on, its class, and whether it needs
 * a thread per open stream (then it runs the slow-stream scenario at 1,000 streams only).
 */
record ContenderSpec(String name, String module, String className, boolean threadPerStream) {

    static final String BASELINE = "minimum honest work";

    // Thread per open stream, from their code: openai-java (async too) reads each body on a pool
    // thread, Spring AI 2.0 wraps openai-java's async client, LangChain4j reads the JDK
    // HttpClient's InputStream on a worker thread. The 1,000-stream run's peak threads show it.

    static List<ContenderSpec> all() {
        return List.of(
            new ContenderSpec("floor (Reactor Netty, no parsing)", "contender-baseline",
                "dev.fluxllm.bench.baseline.FloorContender", false),
            new ContenderSpec(BASELINE, "contender-baseline",
                "dev.fluxllm.bench.baseline.HonestContender", false),
            new ContenderSpec("FluxLLM", "contender-fluxllm",
                "dev.fluxllm.bench.fluxllm.FluxLlmContender", false),
            new ContenderSpec("openai-java (blocking)", "contender-openai-java",
                "dev.fluxllm.bench.openai.OpenAiBlockingContender", true),
            new ContenderSpec("openai-java (async)", "contender-openai-java",
                "dev.fluxllm.bench.openai.OpenAiAsyncContender", true),
            new ContenderSpec("Spring AI 2.0 (OpenAiChatModel)", "contender-spring-ai",
                "dev.fluxllm.bench.springai.SpringAiContender", true),
            new ContenderSpec("Spring AI 1.1 (OpenAiApi, WebClient)", "contender-spring-ai-webclient",
                "dev.fluxllm.bench.springai11.SpringAiWebClientContender", false),
            new ContenderSpec("LangChain4j (OpenAiStreamingChatModel)", "contender-langchain4j",
                "dev.fluxllm.bench.langchain4j.LangChain4jContender", true));
    }
}
