package dev.fluxllm.bench.server;

import dev.fluxllm.bench.core.Scenario;
import dev.fluxllm.bench.core.Script;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds each scenario's bytes once, on its first request (a warm-up request). */
final class ScriptCache {

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    /** Returns the script named by the first path segment, or null for an unknown one. */
    Script forPath(String uri) {
        int start = uri.startsWith("/") ? 1 : 0;
        int end = uri.indexOf('/', start);
        String id = end < 0 ? uri.substring(start) : uri.substring(start, end);
        try {
            return scripts.computeIfAbsent(id, k -> Script.of(Scenario.parse(k)));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
