package io.varve.benchmarks;

import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftLogView;
import io.varve.raft.core.Ready;
import io.varve.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * A Raft log in memory for {@link RaftCommitBenchmark}: entries after an empty snapshot, changed only
 * as a {@link Ready} says (truncate, then append). "Persisting" costs a list add, so the benchmark
 * measures the core and the message flow, not a disk. Not thread-safe: one driver thread.
 */
final class InMemoryRaftLog implements RaftLogView {

    private final List<RaftEntry> entries = new ArrayList<>();

    /** Does the log part of {@code ready}: truncate after its index, then append its entries. */
    void persist(Ready ready) {
        if (ready.snapshot() != null) {
            throw new IllegalStateException("the benchmark's followers never fall behind a snapshot");
        }
        if (ready.truncateAfter() >= 0) {
            while (lastIndex() > ready.truncateAfter()) {
                entries.remove(entries.size() - 1);
            }
        }
        for (RaftEntry entry : ready.entries()) {
            if (entry.index() != lastIndex() + 1) {
                throw new IllegalStateException("entry " + entry.index() + " does not follow " + lastIndex());
            }
            entries.add(entry);
        }
    }

    /** Entries held. */
    int size() {
        return entries.size();
    }

    @Override
    public SnapshotMeta snapshot() {
        return SnapshotMeta.EMPTY;
    }

    @Override
    public long firstIndex() {
        return 1;
    }

    @Override
    public long lastIndex() {
        return entries.size();
    }

    @Override
    public int termAt(long index) {
        return index == 0 ? 0 : entries.get((int) (index - 1)).term();
    }

    @Override
    public List<RaftEntry> entries(long fromIndex, int maxBytes) {
        List<RaftEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = Math.max(fromIndex, 1); i <= lastIndex(); i++) {
            RaftEntry entry = entries.get((int) (i - 1));
            if (!out.isEmpty() && bytes + entry.sizeInBytes() > maxBytes) {
                break;
            }
            out.add(entry);
            bytes += entry.sizeInBytes();
        }
        return out;
    }

    @Override
    public byte[] snapshotData() {
        return new byte[0];
    }
}
