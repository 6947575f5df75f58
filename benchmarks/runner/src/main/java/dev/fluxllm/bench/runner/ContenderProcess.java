package dev.fluxllm.bench.runner;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Runs one contender on one scenario in a fresh JVM and returns what it reported. */
final class ContenderProcess {

    /** Same heap and collector for everyone; sized for 10,000 open streams. */
    private static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
        "-XX:-UsePerfData", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private ContenderProcess() {
    }

    /** What an earlier run reported for this contender and run, or null. */
    static Properties previous(ContenderSpec spec, Run run, Path rawDir) throws IOException {
        Path out = rawDir.resolve(fileName(spec, run) + ".properties");
        if (!Files.exists(out)) {
            return null;
        }
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(out)) {
            props.load(r);
        }
        return props;
    }

    private static String fileName(ContenderSpec spec, Run run) {
        return run.key() + "--" + spec.className().substring(spec.className().lastIndexOf('.') + 1);
    }

    static Properties run(ContenderSpec spec, String classpath, Run run, String baseUrl, String statsUrl, Path rawDir,
                          long timeoutSeconds) throws IOException, InterruptedException {
        String file = fileName(spec, run);
        Path out = rawDir.resolve(file + ".properties");
        Path log = rawDir.resolve(file + ".log");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>();
        cmd.add(Jvm.java());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", classpath, "dev.fluxllm.bench.core.ContenderMain",
            "contender=" + spec.className(), "baseUrl=" + baseUrl, "scenario=" + run.scenario(),
            "op=" + (run.stream() ? "stream" : "generate"), "concurrency=" + run.concurrency(),
            "calls=" + run.calls(), "warmupCalls=" + run.warmupCalls(), "warmup=" + run.warmup(),
            "iterations=" + run.iterations(), "timeout=" + Math.max(30, timeoutSeconds / 2), "out=" + out));
        if (statsUrl != null) {
            cmd.add("stats=" + statsUrl);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Properties props = new Properties();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            props.setProperty("status", "FAILED");
            props.setProperty("reason", "no result within " + timeoutSeconds + " s");
            return props;
        }
        if (!Files.exists(out)) {
            props.setProperty("status", "FAILED");
            props.setProperty("reason", "JVM exited with " + p.exitValue() + " and no result (see " + log.getFileName() + ")");
            return props;
        }
        try (Reader r = Files.newBufferedReader(out)) {
            props.load(r);
        }
        return props;
    }
}
