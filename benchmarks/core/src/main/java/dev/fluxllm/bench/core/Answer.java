package dev.fluxllm.bench.core;

import java.util.List;

/**
 * What a contender assembled from one response: the text, the tool calls in index order, and
 * (for the floor, which parses nothing) the number of body bytes it read.
 */
public record Answer(String text, List<Call> calls, long bodyBytes) {

    public record Call(String id, String name, String arguments) {
    }

    public static Answer of(String text, List<Call> calls) {
        return new Answer(text, calls == null ? List.of() : calls, -1);
    }

    public static Answer bytesOnly(long bodyBytes) {
        return new Answer(null, List.of(), bodyBytes);
    }
}
