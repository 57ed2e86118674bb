package io.varve.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2 and §5: the raft module is a core. It never imports Netty, Micrometer or a thread pool,
 * and never creates a thread: the controller's event loop is the broker's, around these pure parts.
 * Within the module, metadata (records and image) knows nothing of the log or the controller.
 */
class ArchitectureTest {

    private static JavaClasses raft;

    @BeforeAll
    static void importRaft() {
        raft = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.varve.raft");
    }

    @Test
    void raftNeverImportsNettyOrMetrics() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.micrometer..", "io.prometheus..")
            .because("Netty stays at the edge and metrics read counters from outside (DESIGN §2)").check(raft);
    }

    @Test
    void raftNeverCreatesThreadsOrThreadPools() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executor")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ExecutorService")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadPoolExecutor")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ScheduledExecutorService")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ForkJoinPool")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.CompletableFuture")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Timer")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ThreadGroup")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.agrona.concurrent.AgentRunner")
            .because("the raft core is driven by its caller's thread (DESIGN §5)").check(raft);
    }

    @Test
    void raftNeverReadsTheClockDirectly() {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
            .because("time is passed in, so that simulations are deterministic (STYLE 2)").check(raft);
    }

    @Test
    void metadataKnowsNothingOfTheLogOrTheController() {
        noClasses().that().resideInAPackage("io.varve.raft.metadata..")
            .should().dependOnClassesThat().resideInAnyPackage("io.varve.raft.log..", "io.varve.raft.controller..",
                "io.varve.storage..")
            .because("records and images are pure data that brokers apply (package-info)").check(raft);
    }

    @Test
    void theLogMakesNoDecisions() {
        noClasses().that().resideInAPackage("io.varve.raft.log..")
            .should().dependOnClassesThat().resideInAPackage("io.varve.raft.controller..")
            .because("the quorum stores records; the controller decides them").check(raft);
    }
}
