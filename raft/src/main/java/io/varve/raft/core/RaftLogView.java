package io.varve.raft.core;

import java.util.List;

/**
 * The node's durable log as the core reads it. The driver owns it and changes it only as a
 * {@link Ready} says (append, truncate, install a snapshot), before calling
 * {@link RaftNode#advance}; the core never writes through this interface.
 *
 * <p>Implementations: an in-memory log in the simulation tests, a {@code PartitionLog} in the
 * broker. Called from the node's one thread only.
 */
public interface RaftLogView {

    /** The latest snapshot; {@link SnapshotMeta#EMPTY} when none. */
    SnapshotMeta snapshot();

    /** The first index still in the log: {@code snapshot().lastIndex() + 1} or more. */
    long firstIndex();

    /** The last index in the log, or {@code snapshot().lastIndex()} when the log is empty past it. */
    long lastIndex();

    /**
     * The term of entry {@code index}, for {@code snapshot().lastIndex() <= index <= lastIndex()}
     * (the snapshot's own last index answers its {@code lastTerm}).
     */
    int termAt(long index);

    /**
     * Entries from {@code fromIndex} (&ge; {@link #firstIndex()}) on, at least one when there is one,
     * and no more than {@code maxBytes} in total after the first.
     */
    List<RaftEntry> entries(long fromIndex, int maxBytes);

    /** The bytes of the latest snapshot, as the state machine wrote them; empty for {@link SnapshotMeta#EMPTY}. */
    byte[] snapshotData();
}
