package dev.fluxllm.bench.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Entry point of a contender JVM: warms up, measures, checks every answer, writes a properties
 * file for the runner. Arguments are {@code key=value}:
 * {@code contender= baseUrl= scenario= op=stream|generate concurrency= calls= warmup= iterations=
 * warmupCalls= timeout= out= [stats=]}. With {@code stats=} (the server's statistics URL) it also
 * records, per measured iteration, the connections the server accepted and the most it had open.
 */
public final class ContenderMain {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Properties out = run(a);
        try (Writer w = Files.newBufferedWriter(Path.of(a.get("out")))) {
            out.store(w, null);
        }
        // Some clients leave non-daemon threads behind; the result is written, so leave now.
        System.exit(0);
    }

    static Properties run(Map<String, String> a) {
        Properties p = new Properties();
        a.forEach((k, v) -> p.setProperty("arg." + k, v));
        p.setProperty("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        Scenario scenario = Scenario.parse(a.get("scenario"));
        Script script = Script.of(scenario);
        ServerStats stats = a.containsKey("stats") ? new ServerStats(a.get("stats")) : null;
        boolean stream = !"generate".equals(a.get("op"));
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "1"));
        int calls = Integer.parseInt(a.getOrDefault("calls", "1"));
        int warmupCalls = Integer.parseInt(a.getOrDefault("warmupCalls", String.valueOf(calls)));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
        int iterations = Integer.parseInt(a.getOrDefault("iterations", "5"));
        long timeout = Long.parseLong(a.getOrDefault("timeout", "300"));
        p.setProperty("chunksPerCall", String.valueOf(script.chunksPerResponse()));

        List<ResourceMeter.Sample> samples = new ArrayList<>();
        List<Long> connectionsOpened = new ArrayList<>();
        List<Long> peakConnections = new ArrayList<>();
        try (Contender c = (Contender) Class.forName(a.get("contender")).getConstructor().newInstance();
             ResourceMeter meter = new ResourceMeter()) {
            String unsupported = c.unsupported(scenario);
            if (unsupported != null) {
                p.setProperty("status", "UNSUPPORTED");
                p.setProperty("reason", unsupported);
                return p;
            }
            c.open(a.get("baseUrl"), scenario);
            try (Workload w = new Workload(c, stream, script, concurrency)) {
                for (int i = 0; i < warmup; i++) {
                    String problem = w.run(Math.min(warmupCalls, calls), timeout);
                    if (problem != null) {
                        return wrong(p, "warm-up: " + problem);
                    }
                }
                for (int i = 0; i < iterations; i++) {
                    ServerStats.Counts before = stats == null ? null : stats.read(true);
                    meter.begin();
                    String problem = w.run(calls, timeout);
                    ResourceMeter.Sample s = meter.end();
                    if (problem != null) {
                        return wrong(p, problem);
                    }
                    samples.add(s);
                    if (stats != null) {
                        ServerStats.Counts after = stats.read(false);
                        connectionsOpened.add(after.accepted() - before.accepted());
                        peakConnections.add(after.peakOpen());
                    }
                }
            }
            p.setProperty("heapAfterFullGc", String.valueOf(meter.heapAfterFullGc()));
        } catch (Throwable e) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            System.err.println(sw);
            return wrong(p, "threw " + e);
        }
        p.setProperty("status", "OK");
        put(p, "wallNanos", samples, ResourceMeter.Sample::wallNanos);
        put(p, "cpuNanos", samples, ResourceMeter.Sample::cpuNanos);
        put(p, "allocatedBytes", samples, ResourceMeter.Sample::allocatedBytes);
        put(p, "allocationFromHeap", samples, s -> s.allocationFromHeap() ? 1L : 0L);
        put(p, "peakThreads", samples, s -> (long) s.peakThreads());
        put(p, "peakHeapBytes", samples, ResourceMeter.Sample::peakHeapBytes);
        put(p, "maxHeapAfterGcBytes", samples, ResourceMeter.Sample::maxHeapAfterGcBytes);
        put(p, "jitMillis", samples, ResourceMeter.Sample::jitMillis);
        if (!connectionsOpened.isEmpty()) {
            p.setProperty("connectionsOpened", join(connectionsOpened));
            p.setProperty("peakConnections", join(peakConnections));
        }
        return p;
    }

    private static String join(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Properties wrong(Properties p, String reason) {
        p.setProperty("status", "WRONG");
        p.setProperty("reason", reason.length() > 400 ? reason.substring(0, 400) + "..." : reason);
        return p;
    }

    private static void put(Properties p, String key, List<ResourceMeter.Sample> samples,
                            java.util.function.ToLongFunction<ResourceMeter.Sample> f) {
        p.setProperty(key, samples.stream().map(s -> String.valueOf(f.applyAsLong(s))).collect(Collectors.joining(",")));
    }

    private ContenderMain() {
    }

}
