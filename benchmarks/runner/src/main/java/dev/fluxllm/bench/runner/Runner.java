package dev.fluxllm.bench.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Runs every scenario against every built contender, each in a fresh JVM, and writes RESULTS.md.
 *
 * <p>Arguments: {@code [--quick] [--only=substring,substring] [--runs=scenario-prefix,...]
 * [--jmh=path/to/jmh.csv] [--render]}; run from the {@code benchmarks/} directory. {@code --render}
 * measures nothing and rewrites RESULTS.md from {@code results/raw/}; {@code --startup[=runs]} measures
 * start-up only (results/startup.md).
 */
public final class Runner {

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> only = listArg(args, "--only=");
        List<String> runs = listArg(args, "--runs=");
        String jmhCsv = stringArg(args, "--jmh=");
        boolean render = Arrays.asList(args).contains("--render");
        Path dir = Path.of("").toAbsolutePath();
        Path raw = Files.createDirectories(dir.resolve("results").resolve("raw"));
        ResultsWriter writer = new ResultsWriter(quick);
        if (render) {
            writer.note("Rendered from `results/raw/` without measuring: rows may come from different runs.");
        } else if (!only.isEmpty()) {
            writer.note("Partial run (`--only=" + String.join(",", only) + "`): the baseline and those contenders were"
                + " measured now; the other rows are from an earlier run, so their ratios compare runs.");
        }
        String serverCp = Classpaths.of(dir, "server");
        if (serverCp == null) {
            throw new IllegalStateException("build first: server/target/classpath.txt is missing");
        }
        String startup = Arrays.stream(args).filter(x -> x.startsWith("--startup")).findFirst().orElse(null);
        try (ServerProcess server = new ServerProcess(serverCp, raw.resolve("server.log"))) {
            if (startup != null) {
                Startup.run(dir, server, startup.contains("=") ? Integer.parseInt(startup.substring(startup.indexOf('=') + 1)) : 7);
                return;
            }
            for (Run run : Run.plan(quick)) {
                if (render || !runs.isEmpty() && runs.stream().noneMatch(r -> run.key().startsWith(r))) {
                    keepPrevious(run, raw, writer);
                    continue;
                }
                System.out.println("== " + run.title());
                List<Outcome> outcomes = new ArrayList<>();
                for (ContenderSpec spec : ContenderSpec.all()) {
                    if (!only.isEmpty() && !spec.name().equals(ContenderSpec.BASELINE)
                        && only.stream().noneMatch(o -> spec.name().toLowerCase().contains(o.toLowerCase()))) {
                        // Not re-measured: keep the previous run's figures when there are any.
                        Properties previous = ContenderProcess.previous(spec, run, raw);
                        if (previous != null) {
                            outcomes.add(Outcome.from(spec, run, previous));
                        }
                        continue;
                    }
                    outcomes.add(measure(spec, run, server, dir, raw));
                    writer.add(run, outcomes);
                    writer.write(dir.resolve("RESULTS.md"));
                }
            }
        }
        if (jmhCsv != null && Files.exists(Path.of(jmhCsv))) {
            writer.jmh(JmhTable.fromCsv(Path.of(jmhCsv)));
        }
        writer.write(dir.resolve("RESULTS.md"));
        System.out.println("wrote " + dir.resolve("RESULTS.md"));
    }

    /** Puts a run that is not re-measured into RESULTS.md with the previous run's figures, if any. */
    private static void keepPrevious(Run run, Path raw, ResultsWriter writer) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (ContenderSpec spec : ContenderSpec.all()) {
            Properties previous = ContenderProcess.previous(spec, run, raw);
            if (previous != null) {
                outcomes.add(Outcome.from(spec, run, previous));
            }
        }
        if (!outcomes.isEmpty()) {
            writer.add(run, outcomes);
        }
    }

    private static Outcome measure(ContenderSpec spec, Run run, ServerProcess server, Path dir, Path raw) throws Exception {
        String cp = Classpaths.of(dir, spec.module());
        if (cp == null) {
            return report(Outcome.skipped(spec, "module " + spec.module() + " not built"));
        }
        if (run.onlyEventLoopClients() && spec.threadPerStream()) {
            return report(Outcome.skipped(spec, "needs a thread per stream; run at 1,000 streams only"));
        }
        long timeout = run.concurrency() >= 10000 ? 480 : run.concurrency() >= 1000 ? 240 : 180;
        Properties p = ContenderProcess.run(spec, cp, run, server.baseUrl(run.scenario()), server.statsUrl(), raw, timeout);
        return report(Outcome.from(spec, run, p));
    }

    private static Outcome report(Outcome o) {
        System.out.println("  " + o.spec().name() + ": " + o.status()
            + (o.ok() ? String.format(java.util.Locale.ROOT, " cpu %.2f us, alloc %.0f B per unit",
                o.cpuMicros().median(), o.allocBytes().median()) : " " + o.reason()));
        return o;
    }

    private static List<String> listArg(String[] args, String prefix) {
        String v = stringArg(args, prefix);
        return v == null ? List.of() : Arrays.asList(v.split(","));
    }

    private static String stringArg(String[] args, String prefix) {
        return Arrays.stream(args).filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
            .findFirst().orElse(null);
    }

    private Runner() {
    }
}
