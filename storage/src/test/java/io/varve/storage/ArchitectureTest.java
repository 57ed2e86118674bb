package io.varve.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.elements.GivenClassesConjunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2: the cores ({@code protocol}, {@code storage}, {@code config}) never import Netty,
 * Micrometer or a thread pool. Threads and executors are handed in by the roles that own them.
 * This module sees the production classes of all three, so the rule lives here.
 */
class ArchitectureTest {

    private static final String[] CORE_PACKAGES = {"io.varve.storage..", "io.varve.protocol..", "io.varve.config..", "io.varve.common.."};

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.varve.storage", "io.varve.protocol", "io.varve.config", "io.varve.common");
    }

    @Test
    void coreNeverImportsNetty() {
        rule().should().dependOnClassesThat().resideInAPackage("io.netty..")
            .because("Netty stays at the network edge (DESIGN §2)").check(core);
    }

    @Test
    void coreNeverImportsMicrometerOrPrometheus() {
        rule().should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..")
            .because("metrics read core counters from outside (DESIGN §2, §5)").check(core);
    }

    @Test
    void coreNeverCreatesThreadPoolsOrThreads() {
        rule().should().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ExecutorService")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadPoolExecutor")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ScheduledExecutorService")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ScheduledThreadPoolExecutor")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ForkJoinPool")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Timer")
            .orShould().callConstructor(Thread.class)
            .orShould().callConstructor(Thread.class, Runnable.class)
            .orShould().callConstructor(Thread.class, Runnable.class, String.class)
            .because("threads are owned by the roles that run the cores (DESIGN §2, §5)").check(core);
    }

    @Test
    void protocolNeverDependsOnStorage() {
        noClasses().that().resideInAPackage("io.varve.protocol..")
            .should().dependOnClassesThat().resideInAPackage("io.varve.storage..")
            .because("storage builds on protocol's record format, not the other way round").check(core);
    }

    private static GivenClassesConjunction rule() {
        return noClasses().that().resideInAnyPackage(CORE_PACKAGES);
    }
}
