package io.varve.raft.core;

/**
 * The safety rules a {@link RaftNode} follows. Production uses {@link #RAFT}, where every rule is
 * on; tests in this package switch one off to plant a known bug and prove that the simulation's
 * invariants catch it. Immutable.
 *
 * @param checkLogUpToDate       §5.4.1: grant a vote only to a candidate whose log is at least as up to date
 * @param commitOnlyCurrentTerm  §5.4.2: count replicas only of entries of the leader's own term
 * @param persistVote            §5.2: a vote is part of the hard state persisted before the response is sent
 * @param capFollowerCommit      §5.3: a follower commits at most the last entry the leader's request matched
 */
record Rules(boolean checkLogUpToDate, boolean commitOnlyCurrentTerm, boolean persistVote, boolean capFollowerCommit) {

    /** Raft as the paper writes it. */
    static final Rules RAFT = new Rules(true, true, true, true);
}
