package io.varve.raft.core;

/**
 * What a node knows only in one role. Legal transitions (§5.2, plus pre-vote and check-quorum):
 * <pre>
 *   FOLLOWER      --election timeout-->        PRE_CANDIDATE
 *   PRE_CANDIDATE --majority of pre-votes-->   CANDIDATE (term + 1, votes for itself)
 *   PRE_CANDIDATE --pre-vote lost/timeout-->   FOLLOWER / PRE_CANDIDATE (same term)
 *   CANDIDATE     --majority of votes-->       LEADER
 *   CANDIDATE     --election timeout-->        PRE_CANDIDATE
 *   LEADER        --no quorum heard-->         FOLLOWER (check-quorum, same term)
 *   any           --higher term or a leader--> FOLLOWER
 * </pre>
 * A single voter goes straight from FOLLOWER to CANDIDATE to LEADER. {@link RaftNode} refuses the rest.
 */
abstract sealed class RoleState permits FollowerState, ElectionState, LeaderState {

    abstract RaftStatus.Role role();

    /** The leader this role knows, or {@link RaftStatus#NO_LEADER}. */
    abstract int leaderId();
}
