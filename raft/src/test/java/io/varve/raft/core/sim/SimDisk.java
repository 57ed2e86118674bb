package io.varve.raft.core.sim;

import io.varve.raft.core.HardState;
import io.varve.raft.core.MemoryRaftLog;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.Ready;
import io.varve.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One node's disk: only what was fsynced survives a crash. A Ready's writes (hard state, snapshot,
 * truncation, entries, in that order) are pending until {@link #fsync}; a crash before it keeps a
 * random prefix of them, as a real disk may have written some. Not thread-safe.
 */
final class SimDisk {

    private HardState hardState = HardState.INITIAL;
    private final MemoryRaftLog log = new MemoryRaftLog();
    private final List<Runnable> pending = new ArrayList<>();

    HardState hardState() {
        return hardState;
    }

    /** The durable log: the RaftNode's view, and what survives. */
    MemoryRaftLog log() {
        return log;
    }

    /** Queues a Ready's writes in Ready's order. */
    void write(Ready ready) {
        if (ready.hardState() != null) {
            HardState hs = ready.hardState();
            pending.add(() -> hardState = hs);
        }
        if (ready.snapshot() != null) {
            SnapshotMeta meta = ready.snapshot();
            byte[] data = ready.snapshotData();
            pending.add(() -> log.installSnapshot(meta, data));
        }
        if (ready.truncateAfter() >= 0) {
            long after = ready.truncateAfter();
            pending.add(() -> log.truncateAfter(after));
        }
        for (RaftEntry entry : ready.entries()) {
            pending.add(() -> log.append(entry));
        }
    }

    void fsync() {
        pending.forEach(Runnable::run);
        pending.clear();
    }

    /** Power loss: some prefix of the unsynced writes reached the platter, the rest is gone. Returns how many were lost. */
    int crash(Random random) {
        int survive = pending.isEmpty() ? 0 : random.nextInt(pending.size() + 1);
        int lost = pending.size() - survive;
        pending.subList(0, survive).forEach(Runnable::run);
        pending.clear();
        return lost;
    }

    /** The state machine's snapshot, written and synced at once. */
    void compact(SnapshotMeta meta, byte[] data) {
        log.compact(meta, data);
    }
}
