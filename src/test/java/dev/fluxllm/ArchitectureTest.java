package dev.fluxllm;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * States the arrows of the layout: capabilities use the core, the core (the client's contract plus
 * {@code internal}) uses no capability except through the client's delegating methods, and
 * {@code internal} is nobody's public API.
 */
class ArchitectureTest {

    /** Every package under {@code dev.fluxllm} that is a capability rather than the core. */
    static final String[] CAPABILITIES = {"dev.fluxllm.batch..", "dev.fluxllm.tools..", "dev.fluxllm.routing..",
            "dev.fluxllm.observe..", "dev.fluxllm.structured..", "dev.fluxllm.responses..", "dev.fluxllm.kafka..",
            "dev.fluxllm.spring..", "dev.fluxllm.mcp..", "dev.fluxllm.testkit.."};

    private static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fluxllm");

    private static final JavaClasses SAMPLES = new ClassFileImporter().importPackages("dev.fluxllm.samples");

    /** The core is one slice (the client's package and internal); each capability is one. */
    static final SliceAssignment CORE_AND_CAPABILITIES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (p.equals("dev.fluxllm") || p.startsWith("dev.fluxllm.internal")) {
                return SliceIdentifier.of("core");
            }
            if (p.startsWith("dev.fluxllm.")) {
                return SliceIdentifier.of(p.substring("dev.fluxllm.".length()).split("\\.")[0]);
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the core (dev.fluxllm and dev.fluxllm.internal..) and each capability package";
        }
    };

    /** The client's thin delegating methods (generateAll, structured generate, the Responses API). */
    private static final com.tngtech.archunit.base.DescribedPredicate<JavaClass> CLIENT =
            describe("OpenAiCompatClient", c -> c.getName().equals(OpenAiCompatClient.class.getName()));

    static ArchRule capabilitiesAndCoreAreFreeOfCycles() {
        return slices().assignedFrom(CORE_AND_CAPABILITIES).should().beFreeOfCycles()
                .ignoreDependency(CLIENT, JavaClass.Predicates.resideInAnyPackage(CAPABILITIES));
    }

    static ArchRule onlyTheClientReachesIntoCapabilities() {
        return noClasses().that().resideInAnyPackage("dev.fluxllm", "dev.fluxllm.internal..")
                .and(com.tngtech.archunit.base.DescribedPredicate.not(CLIENT))
                .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES)
                .because("the core uses a capability only through the client's delegating methods");
    }

    static ArchRule internalNeverImportsACapability() {
        return noClasses().that().resideInAPackage("dev.fluxllm.internal..")
                .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES);
    }

    static ArchRule internalPackagesAreFreeOfCycles() {
        return slices().matching("dev.fluxllm.internal.(*)..").should().beFreeOfCycles();
    }

    static ArchRule testkitNeverImportsInternal() {
        return noClasses().that().resideInAPackage("dev.fluxllm.testkit..")
                .should().dependOnClassesThat().resideInAPackage("dev.fluxllm.internal..")
                .because("the test kit is public API and must run on public API only");
    }

    static ArchRule samplesNeverImportInternal() {
        return noClasses().should().dependOnClassesThat().resideInAPackage("dev.fluxllm.internal..")
                .because("samples show what users can write");
    }

    static ArchRule onlyTransportAndTestkitTouchReactorNetty() {
        return noClasses().that().resideOutsideOfPackages("dev.fluxllm.internal.transport..", "dev.fluxllm.testkit..")
                .should().dependOnClassesThat().resideInAPackage("reactor.netty..")
                .because("one place talks to Reactor Netty (r2dbc's ReactorNettyClient)");
    }

    static ArchRule nettyStaysInsideInternalAndTestkit() {
        // responses decodes its own event stream: its decoder reads the transport's ByteBufs.
        return noClasses().that().resideOutsideOfPackages("dev.fluxllm.internal..", "dev.fluxllm.testkit..",
                        "dev.fluxllm.responses..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .because("Netty types are machinery, not part of the public API");
    }

    static ArchRule kafkaStaysInTheKafkaPackage() {
        return noClasses().that().resideOutsideOfPackages("dev.fluxllm.kafka..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("kafka-clients is optional: without it on the class path the rest of the library loads and works");
    }

    static ArchRule batchNeverImportsKafka() {
        return noClasses().that().resideInAPackage("dev.fluxllm.batch..")
                .should().dependOnClassesThat().resideInAPackage("dev.fluxllm.kafka..")
                .because("the kafka worker builds on the batch engine and its line format, not the other way");
    }

    @Test
    void kafkaClassesOnlyInTheKafkaPackage() {
        kafkaStaysInTheKafkaPackage().check(LIBRARY);
    }

    @Test
    void batchUsesNoKafka() {
        batchNeverImportsKafka().check(LIBRARY);
    }

    @Test
    void capabilitiesAndTheCoreHaveNoCycles() {
        capabilitiesAndCoreAreFreeOfCycles().check(LIBRARY);
    }

    @Test
    void theCoreUsesCapabilitiesOnlyThroughTheClient() {
        onlyTheClientReachesIntoCapabilities().check(LIBRARY);
    }

    @Test
    void internalImportsNoCapability() {
        internalNeverImportsACapability().check(LIBRARY);
    }

    @Test
    void internalPackagesHaveNoCycles() {
        internalPackagesAreFreeOfCycles().check(LIBRARY);
    }

    @Test
    void testkitUsesNoInternal() {
        testkitNeverImportsInternal().check(LIBRARY);
    }

    @Test
    void samplesUseNoInternal() {
        samplesNeverImportInternal().check(SAMPLES);
    }

    @Test
    void reactorNettyOnlyInTransportAndTestkit() {
        onlyTransportAndTestkitTouchReactorNetty().check(LIBRARY);
    }

    @Test
    void nettyOnlyInInternalAndTestkit() {
        nettyStaysInsideInternalAndTestkit().check(LIBRARY);
    }

    static ArchRule springOnlyInTheSpringPackage() {
        return noClasses().that().resideOutsideOfPackages("dev.fluxllm.spring..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .because("Spring is optional: only dev.fluxllm.spring (and samples, tests) may use it");
    }

    static ArchRule micrometerOnlyInObserveAndSpring() {
        return noClasses().that().resideOutsideOfPackages("dev.fluxllm.observe..", "dev.fluxllm.spring..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..")
                .because("Micrometer is optional: only the listeners and the auto-configuration may use it");
    }

    static ArchRule openTelemetryNowhereInTheLibrary() {
        return noClasses().should().dependOnClassesThat().resideInAnyPackage("io.opentelemetry..")
                .because("OpenTelemetry is reached through Micrometer's Observation API, never directly");
    }

    @Test
    void springOnlyInDevFluxllmSpring() {
        springOnlyInTheSpringPackage().check(LIBRARY);
    }

    @Test
    void micrometerOnlyInObserveAndSpringPackages() {
        micrometerOnlyInObserveAndSpring().check(LIBRARY);
    }

    @Test
    void noOpenTelemetryInTheLibrary() {
        openTelemetryNowhereInTheLibrary().check(LIBRARY);
    }
}
