package io.varve.raft.core.sim;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.varve.raft.core.PlantedFault;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The harness can fail: each bug planted through {@link PlantedFault} breaks some named invariant
 * within the CI seed budget. A run that never fails would prove nothing about the seeds that pass.
 * {@link PlantedFault#COMMIT_EARLIER_TERM_BY_COUNTING} needs the Raft paper's Figure 8 schedule, which
 * the simulation's leader-churn seeds hunt for (see docs/testing.md).
 */
class PlantedFaultsTest {

    @ParameterizedTest
    @EnumSource(value = PlantedFault.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    void aPlantedFaultIsCaughtWithinTheSeedBudget(PlantedFault fault) {
        RaftSimulation.Result caught = null;
        for (long seed = 0; seed < RaftSimulationTest.DEFAULT_SEEDS && caught == null; seed++) {
            RaftSimulation.Result result = new RaftSimulation(seed, fault).run();
            if (result.failure() != null) {
                caught = result;
            }
        }
        assertNotNull(caught, fault + " survived " + RaftSimulationTest.DEFAULT_SEEDS + " seeds");
        System.out.println(fault + " caught: " + RaftSimulationTest.describe(caught));
    }
}
