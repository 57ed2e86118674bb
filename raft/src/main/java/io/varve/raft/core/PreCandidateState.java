package io.varve.raft.core;

/**
 * Pre-vote (Raft thesis §9.6): asks for votes in {@code term + 1} without changing its term, so a
 * partitioned node that keeps timing out never bumps the term and disrupts the cluster on return.
 */
final class PreCandidateState extends ElectionState {

    PreCandidateState(int selfId, int electionTerm, long electionDeadlineNs) {
        super(selfId, electionTerm, electionDeadlineNs);
    }

    @Override
    RaftStatus.Role role() {
        return RaftStatus.Role.PRE_CANDIDATE;
    }

    @Override
    boolean preVote() {
        return true;
    }
}
