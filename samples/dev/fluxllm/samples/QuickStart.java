package dev.fluxllm.samples;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.Usage;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one chat completion and prints, as JSON, what the client is configured for and what the
 * model answered.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=QuickStart
 * </pre>
 */
public final class QuickStart {

    static final String PROMPT = "Say hello to a Java developer in one sentence.";

    static final String SCRIPTED_ANSWER = "Hello, Java developer: your first streamed token is one subscribe() away!";

    /** One non-streamed answer; the client's response timeout (60 s) fires first anyway. */
    private static final Duration LIMIT = Duration.ofSeconds(90);

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private QuickStart() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(QuickStart::script, QuickStart::run));
    }

    static void script(ScriptedLlmServer server) {
        server.setDefault(Reply.text(SCRIPTED_ANSWER));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        ChatRequest request = ChatRequest.builder().user(PROMPT).build(); // no model: the client's default
        ChatResponse response = env.client().generate(request).block(LIMIT);

        Map<String, Object> payload = new LinkedHashMap<>();
        // describe() never contains the API key, only the name of the variable it came from.
        payload.put("client", env.client().describe());
        payload.put("prompt", PROMPT);
        payload.put("response", response.text());
        payload.put("model", response.model());
        payload.put("has_text", !response.text().isBlank());
        payload.put("finish_reason", response.finishReason());
        payload.put("usage", usage(response.usage()));
        out.println(JSON.writeValueAsString(payload));
    }

    /** Returns the token counts under the wire's snake_case names, null when the server reported none. */
    private static Map<String, Object> usage(Usage usage) {
        if (usage == null) {
            return null;
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("prompt_tokens", usage.promptTokens());
        counts.put("completion_tokens", usage.completionTokens());
        counts.put("total_tokens", usage.totalTokens());
        return counts;
    }
}
