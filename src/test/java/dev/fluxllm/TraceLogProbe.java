package dev.fluxllm;

import java.time.Duration;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Runs in a child JVM with every logger at TRACE: makes successful and failing calls with an API
 * key, logs the failures with their stack traces, and lets the parent search the output for the key.
 */
public final class TraceLogProbe {

    private TraceLogProbe() {
    }

    public static void main(String[] args) {
        Logger log = Loggers.getLogger("probe");
        String baseUrl = args[0];
        String key = args[1];
        try (OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(baseUrl).apiKey(key).defaultModel("m")
                .header("X-Api-Key", key)
                .retryPolicy(RetryPolicy.builder().maxRetries(1).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build())
                .build()) {
            log.info("client {}", client);
            for (String prompt : new String[] {"hello", "please-401", "please-500", "please-stream-error"}) {
                ChatRequest request = ChatRequest.builder().user(prompt).build();
                try {
                    log.info("generate {} -> {}", prompt, client.generate(request).block(Duration.ofSeconds(20)));
                } catch (RuntimeException e) {
                    log.error("generate " + prompt + " failed", e);
                }
                try {
                    log.info("stream {} -> {}", prompt, client.stream(request).as(ChatStreams::assemble)
                            .block(Duration.ofSeconds(20)));
                } catch (RuntimeException e) {
                    log.error("stream " + prompt + " failed", e);
                }
            }
            try {
                log.info("models -> {}", client.models().block(Duration.ofSeconds(20)));
            } catch (RuntimeException e) {
                log.error("models failed", e);
            }
        }
        System.out.println("PROBE DONE");
        System.exit(0);
    }
}
