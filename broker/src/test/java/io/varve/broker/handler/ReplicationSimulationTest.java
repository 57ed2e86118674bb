package io.varve.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.handler.ReplicationInvariants.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §7 tier 2 for the data plane: {@link ReplicationSimulation} over many seeds, every named
 * invariant after every event, and proof that the seeds really inject what they claim to. A failing seed
 * prints its replay line; {@code -Dvarve.replsim.seed=N} runs just that seed (with
 * {@code -Dvarve.replsim.fault=NAME}, under that planted fault), {@code -Dvarve.replsim.seeds=N} runs N seeds
 * from 0 (default 1,000).
 */
class ReplicationSimulationTest {

    @TempDir
    Path tempDir;
    private Path dir;

    /**
     * Runs on tmpfs where there is one: the simulation opens and closes many logs, whose directory and
     * checkpoint fsyncs cost milliseconds each on a real disk and nothing there.
     */
    @BeforeEach
    void pickDirectory() throws IOException {
        dir = simulationDirectory(tempDir);
    }

    @AfterEach
    void removeDirectory() throws IOException {
        ReplicationSimulation.deleteDirectory(dir);
    }

    static Path simulationDirectory(Path fallback) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "varve-replsim-") : fallback;
    }

    @Test
    void everyInvariantHoldsOnEverySeed() throws Exception {
        String one = System.getProperty("varve.replsim.seed");
        long first = one == null ? 0 : Long.parseLong(one);
        long count = one == null ? Long.getLong("varve.replsim.seeds", 1_000) : 1;
        // Replaying a planted fault's seed: the line a PlantedReplicationFaultsTest failure prints.
        PlantedReplicationFault fault = PlantedReplicationFault.valueOf(System.getProperty("varve.replsim.fault", "NONE"));
        long acknowledged = 0;
        long crashes = 0;
        long emptyEpochCrashes = 0;
        long pauses = 0;
        long restartsFromEmpty = 0;
        long fencings = 0;
        long isrChanges = 0;
        long truncations = 0;
        long leaderEpochs = 0;
        long staleProduces = 0;
        long commits = 0;
        long powerLosses = 0;
        long bytesLost = 0;
        long segmentsLost = 0;
        long acknowledgedLostOnOne = 0;
        long offsetChecks = 0;
        long checksAfterFailover = 0;
        long cpuNs = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long wallNs = System.nanoTime();
        for (long seed = first; seed < first + count; seed++) {
            Path run = dir.resolve("seed-" + seed);
            ReplicationSimulation.Stats stats = new ReplicationSimulation(seed, fault, run).run();
            ReplicationSimulation.deleteDirectory(run);
            acknowledged += stats.acknowledged();
            crashes += stats.crashes();
            emptyEpochCrashes += stats.emptyEpochLeaderCrashes();
            pauses += stats.pauses();
            restartsFromEmpty += stats.restartsFromEmptyImage();
            fencings += stats.fencings();
            isrChanges += stats.isrChanges();
            truncations += stats.truncations();
            leaderEpochs += stats.leaderEpochs();
            staleProduces += stats.staleProduces();
            commits += stats.commitsAcknowledged();
            powerLosses += stats.powerLosses();
            bytesLost += stats.bytesLost();
            segmentsLost += stats.segmentsLost();
            acknowledgedLostOnOne += stats.acknowledgedLostOnOneReplica();
            offsetChecks += stats.offsetFetchesChecked();
            checksAfterFailover += stats.checksAfterFailover();
        }
        String summary = count + " seeds: " + acknowledged + " records acknowledged, " + crashes + " crashes, " + pauses
            + " pauses (" + emptyEpochCrashes + " of either hit a leader that had not written in its epoch), "
            + restartsFromEmpty + " restarts from an empty image, " + fencings + " fencings, " + isrChanges
            + " ISR changes, " + leaderEpochs + " leader epochs, " + truncations + " truncations, " + staleProduces
            + " produces to a broker that did not lead (stale metadata, or no leader), " + powerLosses
            + " power losses (" + bytesLost + " unsynced bytes lost, " + segmentsLost + " unsynced segments gone, "
            + acknowledgedLostOnOne
            + " acknowledged records among them, kept by the other in-sync replicas), " + commits
            + " offset commits acknowledged, " + offsetChecks + " OffsetFetch answers checked (" + checksAfterFailover
            + " from another coordinator than the one that acknowledged the group's last commit)";
        System.out.println("ReplicationSimulationTest: " + summary + " (" + (System.nanoTime() - wallNs) / 1_000_000
            + " ms, " + (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuNs)
            / 1_000_000 + " ms of CPU on the simulating thread)");
        if (count >= 100 && fault == PlantedReplicationFault.NONE) {
            // A simulation that silently injects nothing proves nothing: every kind of fault must have happened.
            // Lower bounds at about half of what 300 seeds averaged (24 acknowledged, 4.7 crashes, 1.7 restarts
            // from an empty image, 2 fencings, 4.9 ISR changes, 6 leader epochs, 1 truncation per seed).
            assertTrue(acknowledged >= count * 12, summary);
            assertTrue(crashes >= count, summary);
            assertTrue(pauses >= count, summary);
            assertTrue(emptyEpochCrashes >= count / 10, summary);
            assertTrue(restartsFromEmpty >= count / 2, summary);
            assertTrue(fencings >= count, summary);
            assertTrue(isrChanges >= count * 2, summary);
            assertTrue(truncations >= count / 2, summary);
            assertTrue(leaderEpochs >= count * 3, summary);
            assertTrue(staleProduces >= count * 5, summary);
            // The groups and the disks (100 seeds: 8 acknowledged commits, 10 offset checks after a failover,
            // 0.48 power losses and 1.4 acknowledged records lost on the replica that lost power, per seed).
            assertTrue(commits >= count * 4, summary);
            assertTrue(checksAfterFailover >= count * 5, summary);
            assertTrue(powerLosses >= count / 4, summary);
            assertTrue(acknowledgedLostOnOne >= count / 2, summary);
        }
    }

    @Test
    void theSameSeedReplaysTheSameRun() throws Exception {
        for (long seed = 0; seed < 5; seed++) {
            ReplicationSimulation.Stats a = new ReplicationSimulation(seed, PlantedReplicationFault.NONE,
                dir.resolve("a-" + seed)).run();
            ReplicationSimulation.Stats b = new ReplicationSimulation(seed, PlantedReplicationFault.NONE,
                dir.resolve("b-" + seed)).run();
            assertEquals(a, b, "seed " + seed + " replays exactly");
        }
    }

    /** A violation names its invariant and the command that replays it. */
    static Violation runUntilCaught(PlantedReplicationFault fault, Path dir, int maxSeeds) throws Exception {
        for (long seed = 0; seed < maxSeeds; seed++) {
            try {
                new ReplicationSimulation(seed, fault, dir.resolve(fault + "-" + seed)).run();
            } catch (Violation v) {
                return v;
            }
        }
        return null;
    }
}
