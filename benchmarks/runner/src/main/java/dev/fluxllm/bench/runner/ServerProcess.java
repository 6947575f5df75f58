package dev.fluxllm.bench.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The benchmark server in its own JVM; closing its stdin stops it. */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int statsPort;

    ServerProcess(String classpath, java.nio.file.Path log) throws IOException {
        process = new ProcessBuilder(List.of(Jvm.java(), "-Xms512m", "-Xmx512m", "-cp", classpath,
            "dev.fluxllm.bench.server.BenchServer", "0", "2"))
            .redirectError(log.toFile())
            .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroy();
            throw new IOException("server did not start: " + line);
        }
        String[] ports = line.substring("LISTENING ".length()).trim().split(" ");
        port = Integer.parseInt(ports[0]);
        statsPort = ports.length > 1 ? Integer.parseInt(ports[1]) : -1;
    }

    /** The statistics port's URL (connection counts of the benchmark port), or null. */
    String statsUrl() {
        return statsPort < 0 ? null : "http://127.0.0.1:" + statsPort + "/";
    }

    String baseUrl(String scenario) {
        return "http://127.0.0.1:" + port + "/" + scenario + "/v1";
    }

    long cpuNanos() {
        return process.info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroy();
        }
    }
}
