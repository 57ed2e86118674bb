package io.varve.raft.core;

/**
 * What a node must have fsynced before it answers anyone: its current term and whom it voted for
 * in that term (Raft §5.1, §5.2; "persistent state on all servers").
 *
 * @param term     the current term, &ge; 0
 * @param votedFor the node voted for in {@code term}, or {@link #NO_VOTE}
 */
public record HardState(int term, int votedFor) {
    public static final int NO_VOTE = -1;
    public static final HardState INITIAL = new HardState(0, NO_VOTE);
}
