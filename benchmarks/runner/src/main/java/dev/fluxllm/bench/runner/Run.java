package dev.fluxllm.bench.runner;

import java.util.List;

/**
 * One measured scenario as the contender JVM receives it. {@code onlyEventLoopClients} marks the
 * big slow-stream runs that thread-per-stream clients skip.
 */
record Run(String title, String scenario, boolean stream, int concurrency, int calls, int warmupCalls,
           int warmup, int iterations, boolean onlyEventLoopClients) {

    String key() {
        return scenario + "-c" + concurrency + (stream ? "-stream" : "-generate");
    }

    static List<Run> plan(boolean quick) {
        if (quick) {
            return List.of(
                new Run("Text stream, 2,000 chunks", "text-2000", true, 1, 1, 1, 2, 3, false),
                new Run("Two tool calls, 500 fragments each, interleaved", "tools-interleaved-500", true, 1, 1, 1, 2, 3, false),
                new Run("Two tool calls, 500 fragments each, sequential", "tools-sequential-500", true, 1, 1, 1, 2, 3, false),
                new Run("Small non-streaming completions, concurrency 1", "small", false, 1, 200, 200, 2, 3, false),
                new Run("Small non-streaming completions, concurrency 64", "small", false, 64, 1000, 1000, 2, 3, false),
                new Run("200 concurrent slow streams (20 chunks, 20 ms apart)", "slow-20-20", true, 200, 200, 200, 1, 2, false),
                new Run("Responses API text stream, 2,000 deltas", "resp-text-2000", true, 1, 1, 1, 2, 3, false),
                new Run("Responses API, two function calls of 500 argument deltas", "resp-tools-500", true, 1, 1, 1, 2, 3, false),
                new Run("200 concurrent slow Responses API streams (20 deltas, 20 ms apart)", "resp-slow-20-20", true, 200, 200, 200, 1, 2, false),
                new Run("200 concurrent slow streams over HTTP/2 (h2c, 20 chunks, 20 ms apart)", "h2-slow-20-20", true, 200, 200, 200, 1, 2, false));
        }
        // Calls per iteration keep each iteration at >= ~0.5 s of CPU for the baseline: the JDK's
        // process CPU clock ticks in 10 ms steps. The slow streams get several warm-up iterations: with
        // one, the JIT compilers were still busy in the measured ones (a third of their CPU at times).
        // So do the small completions: with three, the JIT threads still took 20-55 % of the measured
        // CPU, and the same build's figure at concurrency 64 moved between 1.2x and 2.1x the baseline.
        return List.of(
            // 40 streams (800,000 chunks) an iteration: with 10, the floor's ~40 ms of CPU per
            // iteration moved in 10 ms ticks (25 % steps, 0.05 us/chunk), and its JIT share was half.
            new Run("Text stream, 20,000 chunks", "text-20000", true, 1, 40, 40, 3, 5, false),
            new Run("Two tool calls, 5,000 fragments each, interleaved", "tools-interleaved-5000", true, 1, 20, 20, 3, 5, false),
            new Run("Two tool calls, 5,000 fragments each, sequential", "tools-sequential-5000", true, 1, 20, 20, 3, 5, false),
            new Run("Small non-streaming completions, concurrency 1", "small", false, 1, 5000, 5000, 6, 5, false),
            new Run("Small non-streaming completions, concurrency 64", "small", false, 64, 20000, 20000, 6, 5, false),
            new Run("1,000 concurrent slow streams (100 chunks, 20 ms apart)", "slow-100-20", true, 1000, 1000, 1000, 3, 5, false),
            new Run("5,000 concurrent slow streams (100 chunks, 20 ms apart)", "slow-100-20", true, 5000, 5000, 1000, 3, 3, true),
            new Run("10,000 concurrent slow streams (100 chunks, 20 ms apart)", "slow-100-20", true, 10000, 10000, 1000, 3, 3, true),
            // The Responses API: the same deltas as typed events (event: line, sequence numbers,
            // item and part events around them, the whole response again in response.completed).
            new Run("Responses API text stream, 20,000 deltas", "resp-text-20000", true, 1, 10, 10, 3, 5, false),
            new Run("Responses API, two function calls of 5,000 argument deltas", "resp-tools-5000", true, 1, 20, 20, 3, 5, false),
            new Run("1,000 concurrent slow Responses API streams (100 deltas, 20 ms apart)", "resp-slow-100-20", true, 1000, 1000, 1000, 3, 5, false),
            new Run("10,000 concurrent slow Responses API streams (100 deltas, 20 ms apart)", "resp-slow-100-20", true, 10000, 10000, 1000, 3, 3, true),
            // HTTP/2 without TLS (h2c, prior knowledge), the server offering 256 streams a connection.
            // At 10,000 the thread-per-stream clients run too: openai-java over OkHttp's HTTP/2 is
            // what this run compares with.
            new Run("1,000 concurrent slow streams over HTTP/2 (h2c, 100 chunks, 20 ms apart)", "h2-slow-100-20", true, 1000, 1000, 1000, 3, 5, false),
            new Run("10,000 concurrent slow streams over HTTP/2 (h2c, 100 chunks, 20 ms apart)", "h2-slow-100-20", true, 10000, 10000, 1000, 3, 3, false));
    }
}
