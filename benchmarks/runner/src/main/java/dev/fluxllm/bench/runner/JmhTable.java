package dev.fluxllm.bench.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns JMH's CSV output (run with {@code -prof gc}) into a markdown table. */
final class JmhTable {

    private JmhTable() {
    }

    static String fromCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        StringBuilder b = new StringBuilder("## JMH microbenchmarks\n\n")
            .append("Single fork, short iterations (see `run.sh`). Every benchmark counts one operation per event or chunk,\n")
            .append("so ns/op is per chunk and the `gc.alloc.rate.norm` rows (from `-prof gc`) are bytes allocated per chunk.\n\n")
            .append("| Benchmark | Mode | Score | Error | Unit |\n|---|---|---:|---:|---|\n");
        List<String> header = fields(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = fields(line);
            if (f.size() < 7) {
                continue;
            }
            StringBuilder params = new StringBuilder();
            for (int i = 7; i < f.size() && i < header.size(); i++) {
                if (!f.get(i).isEmpty()) {
                    params.append(params.length() == 0 ? " (" : ", ")
                        .append(header.get(i).replace("Param: ", "")).append('=').append(f.get(i));
                }
            }
            String name = f.get(0).replace("dev.fluxllm.bench.jmh.", "") + (params.length() == 0 ? "" : params + ")");
            boolean keep = !f.get(0).contains(":") || f.get(0).endsWith("gc.alloc.rate.norm");
            if (keep) {
                b.append("| ").append(name).append(" | ").append(f.get(1)).append(" | ")
                    .append(num(f.get(4))).append(" | ").append(num(f.get(5))).append(" | ").append(f.get(6)).append(" |\n");
            }
        }
        return b.append('\n').toString();
    }

    private static String num(String s) {
        try {
            return String.format(Locale.ROOT, "%,.3f", Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return s;
        }
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
