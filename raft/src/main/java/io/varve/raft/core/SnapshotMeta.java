package io.varve.raft.core;

/**
 * Identifies a snapshot: it holds the state after applying every entry up to and including
 * {@code lastIndex}, whose term was {@code lastTerm}. The log below it may be gone (Low-Water Mark).
 *
 * @param lastIndex the last index the snapshot covers, &ge; 0 (0 = the empty state)
 * @param lastTerm  that entry's term
 */
public record SnapshotMeta(long lastIndex, int lastTerm) {
    public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0);
}
