package dev.fluxllm.bench.jmh;

import dev.fluxllm.bench.core.Scenario;
import dev.fluxllm.bench.core.Script;
import java.util.ArrayList;
import java.util.List;

/** The same bytes the end-to-end server sends, cut into reads, shared by the benchmarks. */
final class Streams {

    /** Events in {@code text-2000}: role chunk, 2,000 deltas, finish chunk, [DONE]. */
    static final int TEXT_EVENTS = 2003;
    /** Chunks in {@code tools-*-500}: two openers, 2 x 500 fragments, finish chunk. */
    static final int TOOL_CHUNKS = 1003;

    private Streams() {
    }

    static Script script(String id) {
        return Script.of(Scenario.parse(id));
    }

    /** Cuts a body into reads of {@code size} bytes, as a socket would deliver it. */
    static List<byte[]> reads(byte[] body, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < body.length; at += size) {
            byte[] r = new byte[Math.min(size, body.length - at)];
            System.arraycopy(body, at, r, 0, r.length);
            out.add(r);
        }
        return out;
    }

    /** The data of each event (without {@code data: } and the blank line), [DONE] left out. */
    static List<byte[]> chunkData(Script script) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] e : script.events()) {
            byte[] d = new byte[e.length - 8];
            System.arraycopy(e, 6, d, 0, d.length);
            if (d[0] == '{') {
                out.add(d);
            }
        }
        return out;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark input changed: " + what);
        }
    }
}
