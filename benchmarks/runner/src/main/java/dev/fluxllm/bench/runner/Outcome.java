package dev.fluxllm.bench.runner;

import java.util.Arrays;
import java.util.Properties;

/**
 * One contender's figures for one run, per unit (chunk for streams, request otherwise).
 * {@code connectionsOpened}: the most TCP connections the server accepted during one measured
 * iteration; {@code peakConnections}: the most it had open at once (-1 when not recorded).
 */
record Outcome(ContenderSpec spec, String status, String reason, Stats cpuMicros, Stats allocBytes,
               Stats throughput, boolean allocFromHeap, long peakThreads, long peakHeapBytes, long maxHeapAfterGcBytes,
               long heapAfterFullGcBytes, Stats jitShare, long connectionsOpened, long peakConnections) {

    static Outcome skipped(ContenderSpec spec, String why) {
        return new Outcome(spec, "SKIPPED", why, null, null, null, false, 0, 0, 0, 0, null, -1, -1);
    }

    static Outcome from(ContenderSpec spec, Run run, Properties p) {
        String status = p.getProperty("status", "FAILED");
        if (!"OK".equals(status)) {
            return new Outcome(spec, status, p.getProperty("reason", ""), null, null, null, false, 0, 0, 0, 0, null, -1, -1);
        }
        long calls = Long.parseLong(p.getProperty("arg.calls", String.valueOf(run.calls())));
        double units = (double) calls * Long.parseLong(p.getProperty("chunksPerCall"));
        double[] wall = longs(p, "wallNanos");
        double[] cpu = longs(p, "cpuNanos");
        double[] alloc = longs(p, "allocatedBytes");
        double[] rate = new double[wall.length];
        // Older result files have no JIT figures.
        double[] jit = p.containsKey("jitMillis") ? longs(p, "jitMillis") : null;
        for (int i = 0; i < wall.length; i++) {
            if (jit != null) {
                jit[i] = cpu[i] == 0 ? 0 : jit[i] * 1e6 / cpu[i];
            }
            cpu[i] = cpu[i] / units / 1_000;
            alloc[i] = alloc[i] / units;
            rate[i] = units / (wall[i] / 1e9);
        }
        return new Outcome(spec, status, "", Stats.of(cpu), Stats.of(alloc), Stats.of(rate),
            p.getProperty("allocationFromHeap", "").contains("1"),
            max(p, "peakThreads"), max(p, "peakHeapBytes"), max(p, "maxHeapAfterGcBytes"),
            Long.parseLong(p.getProperty("heapAfterFullGc", "0")), jit == null ? null : Stats.of(jit),
            // Older result files have no connection counts.
            p.containsKey("connectionsOpened") ? max(p, "connectionsOpened") : -1,
            p.containsKey("peakConnections") ? max(p, "peakConnections") : -1);
    }

    boolean unsupported() {
        return "UNSUPPORTED".equals(status);
    }

    boolean ok() {
        return "OK".equals(status);
    }

    private static double[] longs(Properties p, String key) {
        return Arrays.stream(p.getProperty(key).split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static long max(Properties p, String key) {
        return Arrays.stream(p.getProperty(key).split(",")).mapToLong(Long::parseLong).max().orElse(0);
    }
}
