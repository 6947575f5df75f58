package dev.fluxllm.bench.runner;

import java.nio.file.Path;

/** The java launcher of the JVM running the runner, so every process uses the same JDK. */
final class Jvm {

    private Jvm() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
