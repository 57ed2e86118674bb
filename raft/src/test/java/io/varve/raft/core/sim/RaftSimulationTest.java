package io.varve.raft.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.raft.core.PlantedFault;
import io.varve.raft.core.sim.SimStats.Counter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Deterministic simulation of a Raft cluster (DESIGN §7 tier 2): many seeds, named invariants after
 * every event, exact replay. {@code -Dvarve.sim.seeds=N} runs N seeds (default 5000);
 * {@code -Dvarve.sim.seed=S} replays seed S alone; {@code -Dvarve.sim.fault=NAME} runs with a
 * {@link PlantedFault} (default {@code NONE}), which is how a planted fault's failure is replayed.
 */
class RaftSimulationTest {

    static final int DEFAULT_SEEDS = 5000;
    /** The totals are checked from this many seeds on: fewer vary too much for a lower bound. */
    static final int MIN_SEEDS_FOR_TOTALS = 100;

    /**
     * What a run must have injected and exercised, per seed on average, for its passing seeds to mean
     * anything: about half of what 5000 seeds average (docs/testing.md has the measured averages), so a
     * harness that quietly stops losing, cutting, duplicating or reordering messages, crashing, losing
     * unsynced writes, snapshotting, electing or committing fails here.
     */
    static final Map<Counter, Double> MIN_PER_SEED = minPerSeed();

    private static Map<Counter, Double> minPerSeed() {
        Map<Counter, Double> min = new EnumMap<>(Counter.class);
        min.put(Counter.COMMITTED, 40.0);
        min.put(Counter.APPLIED, 140.0);
        min.put(Counter.MESSAGES_SENT, 500.0);
        min.put(Counter.MESSAGES_DELIVERED, 400.0);
        min.put(Counter.MESSAGES_LOST, 12.0);
        min.put(Counter.MESSAGES_CUT, 80.0);
        min.put(Counter.MESSAGES_DUPLICATED, 7.0);
        min.put(Counter.MESSAGES_REORDERED, 40.0);
        min.put(Counter.PARTITIONS, 6.0);
        min.put(Counter.CRASHES, 5.0);
        min.put(Counter.CRASHES_LOSING_WRITES, 0.15);
        min.put(Counter.MID_READY_CRASHES, 1.0);
        min.put(Counter.RESTARTS, 5.0);
        min.put(Counter.SNAPSHOTS_SENT, 5.0);
        min.put(Counter.SNAPSHOTS_INSTALLED, 1.0);
        min.put(Counter.SNAPSHOTS_TAKEN, 6.0);
        min.put(Counter.LEADERS_ELECTED, 3.0);
        min.put(Counter.CHURN_ISOLATIONS, 1.0);
        min.put(Counter.CHURN_KILLS, 0.6);
        return min;
    }

    /**
     * Which seeds to run and with which fault, from {@code varve.sim.seed} (one seed),
     * {@code varve.sim.seeds} (how many, from 0) and {@code varve.sim.fault}.
     */
    record Selection(long firstSeed, int count, PlantedFault fault) {

        static Selection from(Function<String, String> property) {
            String one = property.apply("varve.sim.seed");
            String seeds = property.apply("varve.sim.seeds");
            String fault = property.apply("varve.sim.fault");
            return new Selection(one == null ? 0 : Long.parseLong(one),
                one != null ? 1 : seeds == null ? DEFAULT_SEEDS : Integer.parseInt(seeds),
                fault == null ? PlantedFault.NONE : PlantedFault.valueOf(fault));
        }
    }

    /** The one line that replays {@code seed} with {@code fault}, as {@link Selection#from} reads it. */
    static String replayCommand(long seed, PlantedFault fault) {
        return "mvn -B -o test -pl raft -am -Dtest=RaftSimulationTest#everySeedKeepsEveryInvariantAndRecoversAfterHealing"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dvarve.sim.seed=" + seed + " -Dvarve.sim.fault=" + fault.name();
    }

    /** What broke, where and when, the run's fingerprint, and the line that replays it. */
    static String failureMessage(RaftSimulation.Result result) {
        return "seed " + result.seed() + " with fault " + result.fault() + " broke " + result.failure().getMessage()
            + "\n  at " + result.endNs() / 1_000_000 + " ms simulated (" + result.endNs() + " ns), event " + result.events()
            + ", trace hash " + Long.toHexString(result.traceHash()) + "; " + result.failureContext()
            + "\n  replay: " + replayCommand(result.seed(), result.fault());
    }

    @Test
    void everySeedKeepsEveryInvariantAndRecoversAfterHealing() {
        Selection selection = Selection.from(System::getProperty);
        boolean verbose = selection.count() == 1 || Boolean.getBoolean("varve.sim.verbose");
        SimStats total = new SimStats();
        long events = 0;
        for (long seed = selection.firstSeed(); seed < selection.firstSeed() + selection.count(); seed++) {
            RaftSimulation.Result result = new RaftSimulation(seed, selection.fault()).run();
            events += result.events();
            total = total.plus(result.stats());
            if (verbose) {
                System.out.println("seed " + seed + " fault " + selection.fault() + ": " + result.events() + " events, "
                    + result.endNs() + " ns, trace hash " + Long.toHexString(result.traceHash()) + ", " + result.stats());
            }
            if (result.failure() != null) {
                fail(failureMessage(result), result.failure());
            }
        }
        System.out.println("raft simulation: " + selection.count() + " seeds, " + events + " events, all invariants held; "
            + "totals: " + total);
        if (selection.count() >= MIN_SEEDS_FOR_TOTALS) {
            assertFaultsWereInjected(total, selection.count());
        }
    }

    /** Fails, naming every counter that fell short, unless {@code total} over {@code seeds} meets {@link #MIN_PER_SEED}. */
    static void assertFaultsWereInjected(SimStats total, int seeds) {
        List<String> shortfalls = new ArrayList<>();
        for (Map.Entry<Counter, Double> min : MIN_PER_SEED.entrySet()) {
            double want = min.getValue() * seeds;
            if (total.get(min.getKey()) < want) {
                shortfalls.add(min.getKey() + " " + total.get(min.getKey()) + " < " + (long) Math.ceil(want));
            }
        }
        assertTrue(shortfalls.isEmpty(), "over " + seeds + " seeds the simulation injected or exercised too little: " + shortfalls);
    }

    @Test
    void theTotalsCheckFailsASimulationThatLeavesOutAnyFault() {
        SimStats enough = new SimStats();
        MIN_PER_SEED.forEach((counter, min) -> enough.set(counter, (long) Math.ceil(min * DEFAULT_SEEDS)));
        assertFaultsWereInjected(enough, DEFAULT_SEEDS);
        assertThrows(AssertionFailedError.class, () -> assertFaultsWereInjected(new SimStats(), DEFAULT_SEEDS),
            "a simulation that injects nothing");
        for (Counter counter : MIN_PER_SEED.keySet()) {
            SimStats without = new SimStats().plus(enough);
            without.set(counter, 0);
            AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> assertFaultsWereInjected(without, DEFAULT_SEEDS), "no " + counter);
            assertTrue(error.getMessage().contains(counter.toString()), error.getMessage());
        }
    }

    @Test
    void leaderChurnRunsOnlyOnItsSeedsAndKillsLeadersThatReplicateEarlierTerms() {
        long churnKills = 0;
        long churnIsolations = 0;
        for (long seed = 0; seed < 40; seed++) {
            RaftSimulation.Result result = new RaftSimulation(seed, PlantedFault.NONE).run();
            assertNull(result.failure(), "seed " + seed);
            long kills = result.stats().get(Counter.CHURN_KILLS);
            long isolations = result.stats().get(Counter.CHURN_ISOLATIONS);
            if (Math.floorMod(seed, RaftSimulation.CHURN_EVERY) == RaftSimulation.CHURN_EVERY - 1) {
                churnKills += kills;
                churnIsolations += isolations;
            } else {
                assertEquals(0, kills + isolations, "seed " + seed);
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
            assertEquals(a.endNs(), b.endNs(), "seed " + seed);
            assertEquals(a.traceHash(), b.traceHash(), "seed " + seed);
            assertEquals(a.stats().toString(), b.stats().toString(), "seed " + seed);
        }
        assertNotEquals(new RaftSimulation(1, PlantedFault.NONE).run().traceHash(),
            new RaftSimulation(2, PlantedFault.NONE).run().traceHash(), "different seeds, different runs");
    }
}
