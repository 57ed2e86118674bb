package io.varve.raft.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A node asking for votes: {@link PreCandidateState} (would you vote for me?) or
 * {@link CandidateState} (vote for me, §5.2). Counts the answers with {@link MajorityQuorum}.
 */
abstract sealed class ElectionState extends RoleState permits PreCandidateState, CandidateState {

    private final Map<Integer, Boolean> votes = new HashMap<>();
    private final long electionDeadlineNs;
    /** The term the votes are asked for. */
    private final int electionTerm;

    ElectionState(int selfId, int electionTerm, long electionDeadlineNs) {
        this.electionTerm = electionTerm;
        this.electionDeadlineNs = electionDeadlineNs;
        votes.put(selfId, true);
    }

    @Override
    int leaderId() {
        return RaftStatus.NO_LEADER;
    }

    int electionTerm() {
        return electionTerm;
    }

    long electionDeadlineNs() {
        return electionDeadlineNs;
    }

    /** Records a voter's answer (the first answer of each voter counts) and tallies. */
    MajorityQuorum.VoteResult record(int voter, boolean granted, Set<Integer> voters) {
        votes.putIfAbsent(voter, granted);
        return MajorityQuorum.tally(voters, votes);
    }

    MajorityQuorum.VoteResult result(Set<Integer> voters) {
        return MajorityQuorum.tally(voters, votes);
    }

    /** Whether this state asks for pre-votes. */
    abstract boolean preVote();
}
