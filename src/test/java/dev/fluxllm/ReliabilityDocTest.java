package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code RELIABILITY.md} from drifting: every {@code Class#method} it names is a test in this
 * package, and every test of {@link FaultMatrixTest} is named in it.
 */
class ReliabilityDocTest {

    private static final Pattern REFERENCE = Pattern.compile("`([A-Z][A-Za-z0-9]*)#([a-zA-Z0-9_]+)`");

    @Test
    void everyListedTestExistsAndEveryFaultTestIsListed() throws IOException, ClassNotFoundException {
        String doc = Files.readString(Path.of("RELIABILITY.md"));
        Set<String> listed = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(doc);
        while (m.find()) {
            Class<?> type = testClass(m.group(1));
            String method = m.group(2);
            assertThat(Arrays.stream(type.getDeclaredMethods())
                    .filter(x -> x.getName().equals(method))
                    .anyMatch(ReliabilityDocTest::isTest))
                    .as("RELIABILITY.md names %s#%s, which is not a test", m.group(1), method)
                    .isTrue();
            listed.add(m.group(1) + "#" + method);
        }
        assertThat(listed).hasSizeGreaterThan(40);
        Set<String> faultTests = Arrays.stream(FaultMatrixTest.class.getDeclaredMethods())
                .filter(ReliabilityDocTest::isTest)
                .map(x -> "FaultMatrixTest#" + x.getName())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertThat(listed).as("tests of FaultMatrixTest missing from RELIABILITY.md").containsAll(faultTests);
        Set<String> responseFaultTests = Arrays.stream(testClass("ResponsesFaultMatrixTest").getDeclaredMethods())
                .filter(ReliabilityDocTest::isTest)
                .map(x -> "ResponsesFaultMatrixTest#" + x.getName())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertThat(listed).as("tests of ResponsesFaultMatrixTest missing from RELIABILITY.md").containsAll(responseFaultTests);
    }

    /** Finds a test class named in the file: in this package, or in a capability's. */
    private static Class<?> testClass(String simpleName) throws ClassNotFoundException {
        for (String pkg : new String[]{"dev.fluxllm", "dev.fluxllm.responses", "dev.fluxllm.batch", "dev.fluxllm.tools",
                "dev.fluxllm.kafka", "dev.fluxllm.structured", "dev.fluxllm.spring", "dev.fluxllm.mcp"}) {
            try {
                return Class.forName(pkg + "." + simpleName);
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        throw new ClassNotFoundException(simpleName + " in dev.fluxllm or a capability package");
    }

    private static boolean isTest(Method method) {
        return method.isAnnotationPresent(Test.class);
    }
}
