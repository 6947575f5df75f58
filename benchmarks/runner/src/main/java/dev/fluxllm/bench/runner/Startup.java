package dev.fluxllm.bench.runner;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code --startup[=runs]}: each contender started that many times (default 7), one fresh JVM a
 * run, against the same server; medians of the time from JVM start to the first answer of a
 * 10-chunk stream, and of the classes loaded by then. Writes {@code results/startup.md}.
 */
final class Startup {

    private Startup() {
    }

    static void run(Path dir, ServerProcess server, int runs) throws Exception {
        Path raw = Files.createDirectories(dir.resolve("results").resolve("raw"));
        StringBuilder md = new StringBuilder("| Contender | JVM start to first answer, ms (median, min–max) | "
                + "client built at, ms | classes loaded |\n|---|---:|---:|---:|\n");
        for (ContenderSpec spec : ContenderSpec.all()) {
            String cp = Classpaths.of(dir, spec.module());
            if (cp == null) {
                continue;
            }
            List<Long> first = new ArrayList<>();
            List<Long> open = new ArrayList<>();
            List<Long> classes = new ArrayList<>();
            String failure = null;
            for (int i = 0; i < runs && failure == null; i++) {
                Path out = raw.resolve("startup--" + spec.module() + "--" + spec.className().substring(
                        spec.className().lastIndexOf('.') + 1) + "-" + i + ".properties");
                Files.deleteIfExists(out);
                Process p = new ProcessBuilder(Jvm.java(), "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:-UsePerfData",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp, "dev.fluxllm.bench.core.StartupMain",
                        "contender=" + spec.className(), "baseUrl=" + server.baseUrl("text-10"), "out=" + out)
                        .redirectErrorStream(true).redirectOutput(raw.resolve("startup.log").toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS) || !Files.exists(out)) {
                    p.destroyForcibly();
                    failure = "no result";
                    break;
                }
                Properties r = new Properties();
                try (Reader reader = Files.newBufferedReader(out)) {
                    r.load(reader);
                }
                if (!"OK".equals(r.getProperty("status"))) {
                    failure = r.getProperty("status") + " " + r.getProperty("reason", "");
                    break;
                }
                first.add(Long.parseLong(r.getProperty("firstAnswerMillis")));
                open.add(Long.parseLong(r.getProperty("openMillis")));
                classes.add(Long.parseLong(r.getProperty("classesLoaded")));
            }
            String row = failure != null ? String.format("| %s | %s | | |", spec.name(), failure)
                    : String.format(Locale.ROOT, "| %s | %d (%d–%d) | %d | %,d |", spec.name(), median(first),
                    Collections.min(first), Collections.max(first), median(open), median(classes));
            System.out.println(row);
            md.append(row).append('\n');
        }
        Files.writeString(dir.resolve("results").resolve("startup.md"), md);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
