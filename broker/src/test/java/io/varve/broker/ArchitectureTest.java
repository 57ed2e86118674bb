package io.varve.broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.varve.broker.purgatory.WheelDelayScheduler;
import io.varve.broker.replica.LogSliceRecords;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Netty stays at the edge (STYLE 7, DESIGN §5): only the network package touches Netty, plus the two
 * adapters that exist to hand something to it, the zero-copy segment slice ({@link LogSliceRecords})
 * and the purgatory's wheel timer ({@link WheelDelayScheduler}). Handlers, the replica manager, the
 * purgatory and the controller service see requests, responses and records, never channels or buffers.
 */
class ArchitectureTest {

    private static JavaClasses broker;

    @BeforeAll
    static void importBroker() {
        broker = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.varve.broker");
    }

    @Test
    void nettyIsUsedOnlyByTheNetworkEdgeAndItsTwoAdapters() {
        noClasses().that().resideInAPackage("io.varve.broker..")
            .and().resideOutsideOfPackage("io.varve.broker.network..")
            .and().doNotBelongToAnyOf(LogSliceRecords.class, WheelDelayScheduler.class)
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .because("Netty stays at the edge (STYLE 7)")
            .check(broker);
    }

    @Test
    void theNetworkEdgeKnowsNothingOfHandlersReplicasOrTheController() {
        noClasses().that().resideInAPackage("io.varve.broker.network..")
            .should().dependOnClassesThat().resideInAnyPackage("io.varve.broker.handler..", "io.varve.broker.replica..",
                "io.varve.broker.controller..", "io.varve.storage..", "io.varve.raft..")
            .because("the edge is a thin dispatcher to a RequestHandler (STYLE 7)")
            .check(broker);
    }

    @Test
    void theEventLoopsTouchNoNetworkFilesOrBrokerParts() {
        noClasses().that().resideInAPackage("io.varve.broker.loop..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.net..", "java.nio.channels..",
                "java.nio.file..", "io.varve.broker.handler..", "io.varve.broker.replica..", "io.varve.broker.controller..",
                "io.varve.broker.quorum..", "io.varve.storage..", "io.varve.raft..")
            .because("a loop reaches I/O only through the interfaces its handler is given, so a simulation can run it "
                + "(DESIGN §5)")
            .check(broker);
    }

    @Test
    void thePurgatoryIsGenericOverWhatWaits() {
        noClasses().that().resideInAPackage("io.varve.broker.purgatory..")
            .should().dependOnClassesThat().resideInAnyPackage("io.varve.broker.handler..", "io.varve.broker.replica..",
                "io.varve.broker.network..", "io.varve.storage..")
            .because("a Request Waiting List knows keys and deadlines, not fetches")
            .check(broker);
    }
}
