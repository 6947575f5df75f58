package dev.fluxllm.bench.runner;

import java.io.IOException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** A module's runtime classpath: its classes plus the list Maven wrote at package time. */
final class Classpaths {

    private Classpaths() {
    }

    /** Returns null when the module was not built (e.g. the FluxLLM module with -DskipFluxllm). */
    static String of(Path benchDir, String module) throws IOException {
        Path target = benchDir.resolve(module).resolve("target");
        Path list = target.resolve("classpath.txt");
        if (!Files.exists(list)) {
            return null;
        }
        String deps = Files.readString(list).trim();
        return target.resolve("classes") + (deps.isEmpty() ? "" : File.pathSeparator + deps);
    }
}
