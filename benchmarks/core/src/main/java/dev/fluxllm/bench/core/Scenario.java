package dev.fluxllm.bench.core;

/**
 * One server script, named by the path segment that selects it: the client's base URL is
 * {@code http://host:port/<id>/v1}, so every client library reaches it without custom routing.
 *
 * <ul>
 *   <li>{@code text-N}: a stream of N content deltas</li>
 *   <li>{@code tools-interleaved-N}, {@code tools-sequential-N}: two parallel tool calls of N
 *       argument fragments each, alternating or one after the other</li>
 *   <li>{@code small}: a small non-streaming completion</li>
 *   <li>{@code slow-N-MS}: a stream of N content deltas, MS milliseconds apart</li>
 *   <li>{@code resp-text-N}, {@code resp-tools-N}, {@code resp-slow-N-MS}: the same over the
 *       Responses API ({@code POST /v1/responses}, typed events as OpenAI sends them); the
 *       function-call stream has two calls of N argument deltas, one after the other</li>
 *   <li>{@code h2-<any of the above>}: the same bytes, and the client is asked to speak HTTP/2
 *       without TLS (h2c, prior knowledge); the server speaks both on every connection</li>
 * </ul>
 */
public record Scenario(String id, Kind kind, int count, int intervalMillis, Api api, boolean http2) {

    public enum Kind { TEXT, TOOLS_INTERLEAVED, TOOLS_SEQUENTIAL, SMALL }

    /** The endpoint a scenario's requests go to. */
    public enum Api {
        CHAT("/chat/completions"), RESPONSES("/responses");

        private final String path;

        Api(String path) {
            this.path = path;
        }

        /** The path after the base URL ({@code .../v1}). */
        public String path() {
            return path;
        }
    }

    public static Scenario parse(String id) {
        String rest = id;
        boolean h2 = rest.startsWith("h2-");
        if (h2) {
            rest = rest.substring(3);
        }
        Api api = Api.CHAT;
        if (rest.startsWith("resp-")) {
            api = Api.RESPONSES;
            rest = rest.substring(5);
        }
        String[] p = rest.split("-");
        switch (p[0]) {
            case "text":
                return new Scenario(id, Kind.TEXT, Integer.parseInt(p[1]), 0, api, h2);
            case "slow":
                return new Scenario(id, Kind.TEXT, Integer.parseInt(p[1]), Integer.parseInt(p[2]), api, h2);
            case "tools":
                if (api == Api.RESPONSES) {
                    // Responses streams carry one item at a time: the calls come one after the other.
                    return new Scenario(id, Kind.TOOLS_SEQUENTIAL, Integer.parseInt(p[1]), 0, api, h2);
                }
                if (!p[1].equals("interleaved") && !p[1].equals("sequential")) {
                    throw new IllegalArgumentException("unknown scenario " + id);
                }
                Kind k = p[1].equals("interleaved") ? Kind.TOOLS_INTERLEAVED : Kind.TOOLS_SEQUENTIAL;
                return new Scenario(id, k, Integer.parseInt(p[2]), 0, api, h2);
            case "small":
                if (api == Api.RESPONSES) {
                    throw new IllegalArgumentException("unknown scenario " + id);
                }
                return new Scenario(id, Kind.SMALL, 1, 0, api, h2);
            default:
                throw new IllegalArgumentException("unknown scenario " + id);
        }
    }

    public boolean streaming() {
        return kind != Kind.SMALL;
    }

    public boolean paced() {
        return intervalMillis > 0;
    }

    public boolean responses() {
        return api == Api.RESPONSES;
    }
}
