package io.varve.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.handler.ReplicationInvariants.Violation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link ReplicationSimulation} can fail: each planted bug is caught, within a bounded number of
 * seeds, by the invariant named for it, and the seed that caught it replays to the same violation.
 * (The same seeds pass without the bug: {@link ReplicationSimulationTest} runs them.)
 */
class PlantedReplicationFaultsTest {

    /** Seeds tried per fault before it counts as not caught. */
    private static final int MAX_SEEDS = 200;

    @TempDir
    Path tempDir;
    private Path dir;

    @BeforeEach
    void pickDirectory() throws IOException {
        dir = ReplicationSimulationTest.simulationDirectory(tempDir);
    }

    @AfterEach
    void removeDirectory() throws IOException {
        ReplicationSimulation.deleteDirectory(dir);
    }

    @ParameterizedTest
    @EnumSource(value = PlantedReplicationFault.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    void eachPlantedFaultIsCaughtByItsInvariant(PlantedReplicationFault fault) throws Exception {
        Violation caught = ReplicationSimulationTest.runUntilCaught(fault, dir, MAX_SEEDS);

        assertNotNull(caught, fault + " was not caught in " + MAX_SEEDS + " seeds");
        assertEquals(fault.caughtBy, caught.invariant(), fault + " was caught by another invariant: " + caught.getMessage());
        assertTrue(caught.getMessage().contains("replay: "), caught.getMessage());
    }

    @Test
    void everyInvariantIsShownToFireByAPlantedFault() {
        EnumSet<ReplicationInvariants.Name> shown = EnumSet.noneOf(ReplicationInvariants.Name.class);
        for (PlantedReplicationFault fault : PlantedReplicationFault.values()) {
            if (fault.caughtBy != null) {
                shown.add(fault.caughtBy);
            }
        }
        // NoException stands for any throw of the broker's own checks; no planted fault is needed to show it fires.
        assertEquals(EnumSet.complementOf(EnumSet.of(ReplicationInvariants.Name.NoException)), shown);
    }

    @ParameterizedTest
    @EnumSource(value = PlantedReplicationFault.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    void aCaughtSeedReplaysToTheSameViolation(PlantedReplicationFault fault) throws Exception {
        Violation first = ReplicationSimulationTest.runUntilCaught(fault, dir.resolve("first"), MAX_SEEDS);
        Violation again = ReplicationSimulationTest.runUntilCaught(fault, dir.resolve("again"), MAX_SEEDS);

        assertNotNull(first);
        assertEquals(first.getMessage(), again.getMessage());
    }
}
