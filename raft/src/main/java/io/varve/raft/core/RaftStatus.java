package io.varve.raft.core;

/**
 * A node's view of the quorum, for the driver, metrics and tests.
 *
 * @param nodeId      this node
 * @param role        its role
 * @param term        its current term
 * @param leaderId    the leader it knows for {@code term}, or -1
 * @param commitIndex its commit index
 */
public record RaftStatus(int nodeId, Role role, int term, int leaderId, long commitIndex) {

    /** The roles of a voter (Raft §5.1, plus pre-vote's candidate-before-candidate). */
    public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }

    public static final int NO_LEADER = -1;
}
