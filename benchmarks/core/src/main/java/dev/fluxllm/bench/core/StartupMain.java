package dev.fluxllm.bench.core;

import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of one contender in a fresh JVM: from the JVM's start to the first streamed answer of
 * a short stream (10 chunks, so nearly the first token), and the classes loaded by then.
 * Arguments: {@code contender= baseUrl= out=}.
 */
public final class StartupMain {

    private StartupMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Properties p = new Properties();
        try (Contender c = (Contender) Class.forName(a.get("contender")).getConstructor().newInstance()) {
            c.open(a.get("baseUrl"));
            long opened = ManagementFactory.getRuntimeMXBean().getUptime();
            Answer answer = c.stream().toCompletableFuture().get(60, TimeUnit.SECONDS);
            long first = ManagementFactory.getRuntimeMXBean().getUptime();
            p.setProperty("status", answer == null ? "WRONG" : "OK");
            p.setProperty("openMillis", String.valueOf(opened));
            p.setProperty("firstAnswerMillis", String.valueOf(first));
            p.setProperty("classesLoaded", String.valueOf(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount()));
        } catch (Throwable e) {
            p.setProperty("status", "FAILED");
            p.setProperty("reason", String.valueOf(e));
        }
        try (Writer w = Files.newBufferedWriter(Path.of(a.get("out")))) {
            p.store(w, null);
        }
        System.exit(0);
    }
}
