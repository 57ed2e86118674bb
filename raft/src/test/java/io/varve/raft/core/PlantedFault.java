package io.varve.raft.core;

import io.varve.raft.core.Rules.Rule;
import java.util.Random;

/**
 * Known bugs the simulation must catch. Most are planted in the core from test code through
 * {@link RaftNode}'s package-private {@link Rules} constructor (production always runs
 * {@link Rules#RAFT}); {@link #INSTALL_SNAPSHOT_WITHOUT_RESTORE} is planted in the simulation's driver.
 * {@code sim/PlantedFaultsTest} names, for each, the invariant that must catch it (docs/testing.md).
 */
public enum PlantedFault {
    /** Correct Raft. */
    NONE(Rules.RAFT),
    /** §5.4.1 broken: votes for a candidate whatever its log. */
    VOTE_WITHOUT_LOG_CHECK(Rules.breaking(Rule.CHECK_LOG_UP_TO_DATE)),
    /** §5.2 broken: a node that knows no leader votes for every candidate of its term, not only the first. */
    VOTE_TWICE_IN_A_TERM(Rules.breaking(Rule.ONE_VOTE_PER_TERM)),
    /** §5.4.2 broken: commits an earlier term's entry by counting its replicas (Figure 8). */
    COMMIT_EARLIER_TERM_BY_COUNTING(Rules.breaking(Rule.COMMIT_ONLY_CURRENT_TERM)),
    /** §5.2 broken: the vote is not part of the persisted hard state, so a restart forgets it. */
    FORGET_VOTE(Rules.breaking(Rule.PERSIST_VOTE)),
    /** §5.3 broken: a follower commits the leader's commit index up to its own log end, past what the request matched. */
    UNCAPPED_FOLLOWER_COMMIT(Rules.breaking(Rule.CAP_FOLLOWER_COMMIT)),
    /**
     * §5.3 broken further: a follower takes the leader's commit index as is, even past its own log; the
     * core's own check ({@code commitTo}) throws.
     */
    FOLLOWER_COMMIT_PAST_ITS_LOG(Rules.breaking(Rule.CAP_FOLLOWER_COMMIT, Rule.CAP_FOLLOWER_COMMIT_AT_LOG_END)),
    /**
     * Figure 2 broken ("if leaderCommit &gt; commitIndex"): a follower takes a lower commit index too, from a
     * new leader that has not yet learnt how far the old one committed, or from a request that was delayed.
     */
    COMMIT_INDEX_GOES_BACK(Rules.breaking(Rule.COMMIT_INDEX_ONLY_FORWARD)),
    /**
     * §5.3 broken ("the leader retries AppendEntries RPCs indefinitely"): when every pipelined request to a
     * follower was lost, the leader only heartbeats it and never resends, so that follower stops
     * receiving entries until another leader is elected. Liveness, not safety.
     */
    NEVER_RESEND_LOST_APPENDS(Rules.breaking(Rule.RESEND_LOST_APPENDS)),
    /**
     * The driver's bug, not the core's (§7): on a snapshot from the leader, the state machine moves its
     * applied index to the snapshot's but never loads the snapshot's data, so it keeps its own older state.
     */
    INSTALL_SNAPSHOT_WITHOUT_RESTORE(Rules.RAFT);

    private final Rules rules;

    PlantedFault(Rules rules) {
        this.rules = rules;
    }

    /** A node that follows this fault's rules. */
    public RaftNode newNode(RaftConfig config, HardState hardState, RaftLogView log, Random random, long nowNs) {
        return new RaftNode(config, hardState, log, random, nowNs, rules);
    }
}
