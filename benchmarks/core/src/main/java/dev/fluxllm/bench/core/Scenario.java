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
 * </ul>
 */
public record Scenario(String id, Kind kind, int count, int intervalMillis) {

    public enum Kind { TEXT, TOOLS_INTERLEAVED, TOOLS_SEQUENTIAL, SMALL }

    public static Scenario parse(String id) {
        String[] p = id.split("-");
        switch (p[0]) {
            case "text":
                return new Scenario(id, Kind.TEXT, Integer.parseInt(p[1]), 0);
            case "slow":
                return new Scenario(id, Kind.TEXT, Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            case "tools":
                Kind k = p[1].equals("interleaved") ? Kind.TOOLS_INTERLEAVED : Kind.TOOLS_SEQUENTIAL;
                if (!p[1].equals("interleaved") && !p[1].equals("sequential")) {
                    throw new IllegalArgumentException("unknown scenario " + id);
                }
                return new Scenario(id, k, Integer.parseInt(p[2]), 0);
            case "small":
                return new Scenario(id, Kind.SMALL, 1, 0);
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
}
