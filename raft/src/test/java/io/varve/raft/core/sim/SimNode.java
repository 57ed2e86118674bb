package io.varve.raft.core.sim;

import io.varve.raft.core.PlantedFault;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftNode;
import java.util.Random;

/**
 * One simulated server: a durable {@link SimDisk} that outlives crashes, and while up a
 * {@link RaftNode} and a {@link HashStateMachine} rebuilt from that disk on every restart.
 */
final class SimNode {

    final int id;
    private final RaftConfig config;
    private final PlantedFault fault;
    private final SimDisk disk = new SimDisk();
    private final SimClock clock;
    private final long seed;
    private RaftNode raft;
    private HashStateMachine stateMachine;
    private int incarnation;
    /** Take a snapshot once this many entries were applied past the last one. */
    final int snapshotEvery;

    // Invariant bookkeeping, reset on restart where it is per life.
    long lastCommitIndex;
    int verifiedLeaderTerm = -1;
    long verifiedLeaderTo;

    SimNode(int id, RaftConfig config, PlantedFault fault, SimClock clock, long seed, int snapshotEvery) {
        this.id = id;
        this.config = config;
        this.fault = fault;
        this.clock = clock;
        this.seed = seed;
        this.snapshotEvery = snapshotEvery;
    }

    RaftNode raft() {
        return raft;
    }

    SimDisk disk() {
        return disk;
    }

    HashStateMachine stateMachine() {
        return stateMachine;
    }

    boolean isUp() {
        return raft != null;
    }

    long localNs(long simNs) {
        return clock.localNs(simNs);
    }

    /** Starts (or restarts) from what the disk holds. */
    void start(long simNs) {
        incarnation++;
        stateMachine = new HashStateMachine();
        stateMachine.restore(disk.log().snapshotData());
        raft = fault.newNode(config, disk.hardState(), disk.log(), new Random(seed * 1_000_003L + id * 7919L + incarnation),
            clock.localNs(simNs));
        lastCommitIndex = 0;
        verifiedLeaderTerm = -1;
        verifiedLeaderTo = 0;
    }

    /** Power loss: unsynced writes are (partly) lost, memory is gone. Returns how many writes were lost. */
    int crash(Random random) {
        int lost = disk.crash(random);
        raft = null;
        stateMachine = null;
        return lost;
    }
}
