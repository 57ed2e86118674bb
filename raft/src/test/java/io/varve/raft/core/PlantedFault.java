package io.varve.raft.core;

import java.util.Random;

/**
 * Known bugs the simulation must catch, planted from test code through {@link RaftNode}'s
 * package-private {@link Rules} constructor; production always runs {@link Rules#RAFT}.
 */
public enum PlantedFault {
    /** Correct Raft. */
    NONE(Rules.RAFT),
    /** §5.4.1 broken: votes for a candidate whatever its log. */
    VOTE_WITHOUT_LOG_CHECK(new Rules(false, true, true, true)),
    /** §5.4.2 broken: commits an earlier term's entry by counting its replicas (Figure 8). */
    COMMIT_EARLIER_TERM_BY_COUNTING(new Rules(true, false, true, true)),
    /** §5.2 broken: the vote is not part of the persisted hard state, so a restart forgets it. */
    FORGET_VOTE(new Rules(true, true, false, true)),
    /** §5.3 broken: a follower commits the leader's commit index even past what the request matched. */
    UNCAPPED_FOLLOWER_COMMIT(new Rules(true, true, true, false));

    private final Rules rules;

    PlantedFault(Rules rules) {
        this.rules = rules;
    }

    /** A node that follows this fault's rules. */
    public RaftNode newNode(RaftConfig config, HardState hardState, RaftLogView log, Random random, long nowNs) {
        return new RaftNode(config, hardState, log, random, nowNs, rules);
    }
}
