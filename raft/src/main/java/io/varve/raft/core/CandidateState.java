package io.varve.raft.core;

/** A candidate (§5.2): it bumped its term, voted for itself and asks the others for their votes. */
final class CandidateState extends ElectionState {

    CandidateState(int selfId, int term, long electionDeadlineNs) {
        super(selfId, term, electionDeadlineNs);
    }

    @Override
    RaftStatus.Role role() {
        return RaftStatus.Role.CANDIDATE;
    }

    @Override
    boolean preVote() {
        return false;
    }
}
