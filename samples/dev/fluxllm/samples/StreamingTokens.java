package dev.fluxllm.samples;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import reactor.core.scheduler.Schedulers;

/**
 * Streams an answer and prints each token as it arrives, then the time to first token, the
 * tokens per second and the finish reason.
 * <pre>
 * mvn -q test-compile exec:java                      (this is the default sample)
 * </pre>
 */
public final class StreamingTokens {

    static final String PROMPT = "In three sentences: why do reactive clients suit LLM streaming?";

    /** What the embedded server answers, one word per chunk, 20 ms apart. */
    static final String SCRIPTED_ANSWER = "A model writes its answer one token at a time, so a streaming client"
            + " can show the first words long before the last ones exist. A reactive client handles each token"
            + " as an event, without parking a thread per request, so one small service can relay thousands of"
            + " streams at once. Backpressure and cancellation travel end to end: a slow reader slows the socket,"
            + " and a reader who leaves stops the generation.";

    /** Upper bound for the whole answer; the client's idle timeout already bounds each silence. */
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private StreamingTokens() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(StreamingTokens::script, StreamingTokens::run));
    }

    /** Plays the model when no real server is configured: a pleasant answer, paced like a real one. */
    static void script(ScriptedLlmServer server) {
        server.setDefault(Reply.text(SCRIPTED_ANSWER).delay(Duration.ofMillis(20)));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        ChatRequest request = ChatRequest.builder()
                .user(PROMPT)
                .includeUsage(true) // ask for token counts in a last chunk; servers that ignore it are fine
                .build();
        out.println("> " + PROMPT);

        Stats stats = new Stats();
        env.client().stream(request)
                // Printing to a terminal is blocking I/O: leave Netty's event loop before doing it.
                .publishOn(Schedulers.boundedElastic())
                .doOnNext(chunk -> {
                    stats.record(chunk);
                    if (!chunk.text().isEmpty()) {
                        out.print(chunk.text());
                        out.flush(); // show each token now, not at the end of the line
                    }
                })
                .blockLast(LIMIT); // fine in main: this is the caller's thread, not an event loop
        out.println();
        out.println(stats.summary());
    }

    /** Timing of one stream. Touched by one thread at a time (publishOn serializes the chunks). */
    private static final class Stats {
        private final long start = System.nanoTime();
        private long firstToken;
        private long lastToken;
        private long deltas;
        private Long completionTokens; // from the server's usage chunk, when it sends one
        private String finishReason;

        void record(ChatChunk chunk) {
            if (!chunk.text().isEmpty()) {
                lastToken = System.nanoTime();
                if (deltas++ == 0) {
                    firstToken = lastToken;
                }
            }
            if (chunk.finishReason() != null) {
                finishReason = chunk.finishReason();
            }
            if (chunk.usage() != null) {
                completionTokens = chunk.usage().completionTokens();
            }
        }

        String summary() {
            if (deltas == 0) {
                return "no tokens received (finish reason: " + finishReason + ")";
            }
            long tokens = completionTokens != null ? completionTokens : deltas;
            double ttftMs = (firstToken - start) / 1e6;
            // Decoding speed: the tokens after the first, over the time they took.
            double seconds = (lastToken - firstToken) / 1e9;
            String rate = tokens > 1 && seconds > 0
                    ? String.format(Locale.ROOT, "%.1f tokens/s", (tokens - 1) / seconds) : "n/a tokens/s";
            return String.format(Locale.ROOT, "time to first token: %.0f ms | %s (%d %s) | finish reason: %s",
                    ttftMs, rate, tokens, completionTokens != null ? "tokens reported by the server" : "text chunks",
                    finishReason);
        }
    }
}
