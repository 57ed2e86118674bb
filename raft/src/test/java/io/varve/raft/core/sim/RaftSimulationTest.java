package io.varve.raft.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.raft.core.PlantedFault;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of a Raft cluster (DESIGN §7 tier 2): many seeds, named invariants after
 * every event, exact replay. {@code -Dvarve.sim.seeds=N} runs N seeds (default 5000);
 * {@code -Dvarve.sim.seed=S} replays seed S alone.
 */
class RaftSimulationTest {

    static final int DEFAULT_SEEDS = 5000;

    static String replayCommand(long seed) {
        return "mvn -o -pl raft -am test -Dtest=RaftSimulationTest -Dsurefire.failIfNoSpecifiedTests=false -Dvarve.sim.seed=" + seed;
    }

    static String describe(RaftSimulation.Result result) {
        return "seed " + result.seed() + " broke " + result.failure().getMessage() + " (" + result.failureContext() + ")";
    }

    @Test
    void everySeedKeepsEveryInvariantAndRecoversAfterHealing() {
        String one = System.getProperty("varve.sim.seed");
        long first = one == null ? 0 : Long.parseLong(one);
        int count = one == null ? Integer.getInteger("varve.sim.seeds", DEFAULT_SEEDS) : 1;
        long events = 0;
        for (long seed = first; seed < first + count; seed++) {
            RaftSimulation.Result result = new RaftSimulation(seed, PlantedFault.NONE).run();
            events += result.events();
            if (one != null || Boolean.getBoolean("varve.sim.verbose")) {
                System.out.println("seed " + seed + ": " + result.events() + " events, trace hash "
                    + Long.toHexString(result.traceHash()) + ", " + result.stats());
            }
            if (result.failure() != null) {
                fail(describe(result) + "\nreplay: " + replayCommand(seed), result.failure());
            }
        }
        System.out.println("raft simulation: " + count + " seeds, " + events + " events, all invariants held");
    }

    @Test
    void leaderChurnRunsOnlyOnItsSeedsAndKillsLeadersThatReplicateEarlierTerms() {
        int churnKills = 0;
        int churnIsolations = 0;
        for (long seed = 0; seed < 40; seed++) {
            RaftSimulation.Result result = new RaftSimulation(seed, PlantedFault.NONE).run();
            assertNull(result.failure(), "seed " + seed);
            if (Math.floorMod(seed, RaftSimulation.CHURN_EVERY) == RaftSimulation.CHURN_EVERY - 1) {
                churnKills += result.stats().churnKills();
                churnIsolations += result.stats().churnIsolations();
            } else {
                assertEquals(0, result.stats().churnKills() + result.stats().churnIsolations(), "seed " + seed);
            }
        }
        assertTrue(churnKills > 0, "no leader was killed right after a follower acknowledged an earlier term's entry");
        assertTrue(churnIsolations > 0, "no new or appending leader was cut off");
    }

    @Test
    void theSameSeedReplaysTheSameTrace() {
        for (long seed : new long[] {3, 77, 1234}) {
            RaftSimulation.Result a = new RaftSimulation(seed, PlantedFault.NONE).run();
            RaftSimulation.Result b = new RaftSimulation(seed, PlantedFault.NONE).run();
            assertNull(a.failure());
            assertEquals(a.events(), b.events(), "seed " + seed);
            assertEquals(a.traceHash(), b.traceHash(), "seed " + seed);
        }
        assertNotEquals(new RaftSimulation(1, PlantedFault.NONE).run().traceHash(),
            new RaftSimulation(2, PlantedFault.NONE).run().traceHash(), "different seeds, different runs");
    }
}
