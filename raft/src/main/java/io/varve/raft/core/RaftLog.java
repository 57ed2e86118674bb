package io.varve.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The core's whole view of its log: the driver's durable {@link RaftLogView} plus what is not yet
 * durable (entries appended or received, a pending truncation, a received snapshot), kept in memory
 * until a {@link Ready} hands it out and {@link RaftNode#advance} says it is on disk.
 *
 * <p>Invariant: every index below {@code unstableOffset} is in the durable view (or will be once
 * the Readies already handed out are done, in order); {@code unstable} holds the indexes from
 * {@code unstableOffset} on. Not thread-safe.
 */
final class RaftLog {

    private final RaftLogView durable;
    private final List<RaftEntry> unstable = new ArrayList<>();
    private long unstableOffset;
    /** The last index already handed to the driver in a Ready (advanced or not). */
    private long handedOutTo;
    private long pendingTruncateAfter = -1;
    /** A snapshot received from the leader, not yet handed out. */
    private SnapshotMeta pendingSnapshot;
    private byte[] pendingSnapshotData;
    /** A received snapshot handed out or pending, until advance says it is installed. */
    private SnapshotMeta snapshotOverride;

    RaftLog(RaftLogView durable) {
        this.durable = durable;
        this.unstableOffset = durable.lastIndex() + 1;
        this.handedOutTo = durable.lastIndex();
    }

    SnapshotMeta snapshot() {
        return snapshotOverride != null ? snapshotOverride : durable.snapshot();
    }

    long firstIndex() {
        return snapshotOverride != null ? snapshotOverride.lastIndex() + 1 : durable.firstIndex();
    }

    long lastIndex() {
        return unstableOffset + unstable.size() - 1;
    }

    int lastTerm() {
        return termAt(lastIndex());
    }

    /** The last index that is durable here: what a leader may count for itself (§5.3, persist before count). */
    long durableLastIndex() {
        return unstableOffset - 1;
    }

    /** Whether {@link #termAt} can answer for {@code index}. */
    boolean hasTermAt(long index) {
        return index >= snapshot().lastIndex() && index <= lastIndex();
    }

    /** The term at {@code index}; 0 for index 0. */
    int termAt(long index) {
        if (index >= unstableOffset) {
            if (index > lastIndex()) {
                throw new IllegalArgumentException("index " + index + " is past the last index " + lastIndex());
            }
            return unstable.get((int) (index - unstableOffset)).term();
        }
        SnapshotMeta snapshot = snapshot();
        if (index == snapshot.lastIndex()) {
            return snapshot.lastTerm();
        }
        if (index < snapshot.lastIndex()) {
            throw new IllegalArgumentException("index " + index + " is compacted into the snapshot at " + snapshot.lastIndex());
        }
        return durable.termAt(index);
    }

    /** Whether the log holds {@code index} with {@code term}. */
    boolean matchTerm(long index, int term) {
        return hasTermAt(index) && termAt(index) == term;
    }

    /** Entries from {@code fromIndex} on: at least one if any, and at most {@code maxBytes} after the first. */
    List<RaftEntry> entries(long fromIndex, int maxBytes) {
        if (fromIndex < firstIndex()) {
            throw new IllegalArgumentException("index " + fromIndex + " is compacted; first index is " + firstIndex());
        }
        List<RaftEntry> out = new ArrayList<>();
        long bytes = 0;
        if (fromIndex < unstableOffset) {
            for (RaftEntry entry : durable.entries(fromIndex, maxBytes)) {
                if (entry.index() >= unstableOffset || !out.isEmpty() && bytes + entry.sizeInBytes() > maxBytes) {
                    return out;
                }
                out.add(entry);
                bytes += entry.sizeInBytes();
            }
            if (out.isEmpty() || out.get(out.size() - 1).index() < unstableOffset - 1) {
                return out;
            }
        }
        long next = out.isEmpty() ? fromIndex : out.get(out.size() - 1).index() + 1;
        for (long i = next; i <= lastIndex(); i++) {
            RaftEntry entry = unstable.get((int) (i - unstableOffset));
            if (!out.isEmpty() && bytes + entry.sizeInBytes() > maxBytes) {
                break;
            }
            out.add(entry);
            bytes += entry.sizeInBytes();
        }
        return out;
    }

    /** Appends {@code entry}, which must follow the last index. */
    void append(RaftEntry entry) {
        if (entry.index() != lastIndex() + 1) {
            throw new IllegalStateException("entry " + entry.index() + " does not follow " + lastIndex());
        }
        unstable.add(entry);
    }

    /** Drops every entry from {@code index} on (a conflict with the leader, §5.3). */
    void truncateFrom(long index) {
        if (index > lastIndex()) {
            return;
        }
        if (index <= handedOutTo) {
            pendingTruncateAfter = pendingTruncateAfter < 0 ? index - 1 : Math.min(pendingTruncateAfter, index - 1);
            handedOutTo = index - 1;
        }
        if (index >= unstableOffset) {
            unstable.subList((int) (index - unstableOffset), unstable.size()).clear();
        } else {
            unstable.clear();
            unstableOffset = index;
        }
    }

    /** Replaces the whole log by a snapshot received from the leader (§7). */
    void installSnapshot(SnapshotMeta meta, byte[] data) {
        unstable.clear();
        unstableOffset = meta.lastIndex() + 1;
        handedOutTo = meta.lastIndex();
        pendingTruncateAfter = -1;
        pendingSnapshot = meta;
        pendingSnapshotData = data;
        snapshotOverride = meta;
    }

    // --- handing out and acknowledging (Ready / advance) ---

    SnapshotMeta pendingSnapshot() {
        return pendingSnapshot;
    }

    byte[] pendingSnapshotData() {
        return pendingSnapshotData;
    }

    long pendingTruncateAfter() {
        return pendingTruncateAfter;
    }

    /** Entries not yet handed out, in index order. */
    List<RaftEntry> entriesToPersist() {
        long from = Math.max(handedOutTo + 1, unstableOffset);
        return List.copyOf(unstable.subList((int) (from - unstableOffset), unstable.size()));
    }

    boolean hasWorkToHandOut() {
        return pendingSnapshot != null || pendingTruncateAfter >= 0 || handedOutTo < lastIndex();
    }

    /** Marks what a Ready carries as handed out. */
    void handedOut() {
        pendingSnapshot = null;
        pendingSnapshotData = null;
        pendingTruncateAfter = -1;
        handedOutTo = lastIndex();
    }

    /** The driver installed {@code meta}: the durable view now starts after it. */
    void snapshotInstalled(SnapshotMeta meta) {
        if (meta.equals(snapshotOverride) && pendingSnapshot == null) {
            snapshotOverride = null;
        }
    }

    /** The driver made entries up to {@code index} (of {@code term}) durable. */
    void stableTo(long index, int term) {
        if (index >= unstableOffset && index <= lastIndex() && termAt(index) == term) {
            unstable.subList(0, (int) (index - unstableOffset + 1)).clear();
            unstableOffset = index + 1;
        }
    }
}
