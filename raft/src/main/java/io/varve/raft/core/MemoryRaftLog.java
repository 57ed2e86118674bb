package io.varve.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link RaftLogView}: a snapshot and the entries after it, changed only as a
 * {@link Ready} says ({@link #persist}: install a snapshot, truncate, then append). Nothing survives
 * the process, so it serves where durability is not the point: the core's unit tests and
 * simulations, and the commit benchmark (persisting costs a list add, so it measures the core and
 * the message flow, not a disk). Not thread-safe: one driver thread.
 */
public final class MemoryRaftLog implements RaftLogView {

    private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
    private byte[] snapshotData = new byte[0];
    private final List<RaftEntry> entries = new ArrayList<>();

    public MemoryRaftLog() {
    }

    /** A deep copy (entries are immutable and shared). */
    public MemoryRaftLog copy() {
        MemoryRaftLog copy = new MemoryRaftLog();
        copy.snapshot = snapshot;
        copy.snapshotData = snapshotData.clone();
        copy.entries.addAll(entries);
        return copy;
    }

    @Override
    public SnapshotMeta snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return snapshot.lastIndex() + 1;
    }

    @Override
    public long lastIndex() {
        return snapshot.lastIndex() + entries.size();
    }

    @Override
    public int termAt(long index) {
        if (index == snapshot.lastIndex()) {
            return snapshot.lastTerm();
        }
        return entry(index).term();
    }

    /** The entry at {@code index}, which must be in the log. */
    public RaftEntry entry(long index) {
        if (index < firstIndex() || index > lastIndex()) {
            throw new IllegalArgumentException("no entry " + index + " in [" + firstIndex() + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - firstIndex()));
    }

    @Override
    public List<RaftEntry> entries(long fromIndex, int maxBytes) {
        List<RaftEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = Math.max(fromIndex, firstIndex()); i <= lastIndex(); i++) {
            RaftEntry entry = entry(i);
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
        return snapshotData.clone();
    }

    /** Appends {@code entry}, which must follow the last index. */
    public void append(RaftEntry entry) {
        if (entry.index() != lastIndex() + 1) {
            throw new IllegalStateException("entry " + entry.index() + " does not follow " + lastIndex());
        }
        entries.add(entry);
    }

    /** Drops every entry after {@code index}. */
    public void truncateAfter(long index) {
        if (index < snapshot.lastIndex()) {
            throw new IllegalStateException("cannot truncate into the snapshot at " + snapshot.lastIndex());
        }
        while (lastIndex() > index) {
            entries.remove(entries.size() - 1);
        }
    }

    /** Replaces the whole log by a snapshot (a follower installing the leader's). */
    public void installSnapshot(SnapshotMeta meta, byte[] data) {
        entries.clear();
        snapshot = meta;
        snapshotData = data.clone();
    }

    /** The state machine took a snapshot at {@code meta}: drop the entries it covers, keep the rest. */
    public void compact(SnapshotMeta meta, byte[] data) {
        if (meta.lastIndex() <= snapshot.lastIndex()) {
            return;
        }
        long keepFrom = meta.lastIndex() + 1;
        List<RaftEntry> kept = new ArrayList<>();
        for (long i = keepFrom; i <= lastIndex(); i++) {
            kept.add(entry(i));
        }
        entries.clear();
        entries.addAll(kept);
        snapshot = meta;
        snapshotData = data.clone();
    }

    /** Does what {@code ready} says to the log, in its order (hard state aside). */
    public void persist(Ready ready) {
        if (ready.snapshot() != null) {
            installSnapshot(ready.snapshot(), ready.snapshotData());
        }
        if (ready.truncateAfter() >= 0) {
            truncateAfter(ready.truncateAfter());
        }
        for (RaftEntry entry : ready.entries()) {
            append(entry);
        }
    }
}
