package io.varve.raft.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The rules a {@link RaftNode} follows. Production uses {@link #RAFT}, where every rule holds; tests
 * in this package break one (through {@link #breaking}) to plant a known bug and prove that the
 * simulation's invariants catch it. Immutable.
 *
 * @param broken the rules this node does not follow; empty in production
 */
record Rules(Set<Rule> broken) {

    /** One rule of the paper that the core follows, each with where the paper states it. */
    enum Rule {
        /** §5.4.1: grant a vote only to a candidate whose log is at least as up to date. */
        CHECK_LOG_UP_TO_DATE,
        /** §5.2: vote for at most one candidate in a term, first come first served. */
        ONE_VOTE_PER_TERM,
        /** §5.2, Figure 2 (persistent state): the vote is in the hard state persisted before the answer goes. */
        PERSIST_VOTE,
        /** §5.4.2: a leader counts replicas only of entries of its own term. */
        COMMIT_ONLY_CURRENT_TERM,
        /** §5.3, Figure 2 (AppendEntries 5): a follower commits at most the last entry the request matched. */
        CAP_FOLLOWER_COMMIT,
        /**
         * What the core falls back on when {@link #CAP_FOLLOWER_COMMIT} is broken: a follower commits at
         * most its own last entry. Breaking both lets the core try to commit an entry it does not hold,
         * which {@link RaftNode}'s own check refuses with an {@link IllegalStateException}.
         */
        CAP_FOLLOWER_COMMIT_AT_LOG_END,
        /** Figure 2 (AppendEntries 5, "if leaderCommit &gt; commitIndex"): a follower's commit index only moves forward. */
        COMMIT_INDEX_ONLY_FORWARD,
        /**
         * §5.3 ("the leader retries AppendEntries RPCs indefinitely"): a pipeline that is full and made
         * no progress over a heartbeat interval falls back to probing, which resends what was lost.
         */
        RESEND_LOST_APPENDS
    }

    /** Raft as the paper writes it. */
    static final Rules RAFT = new Rules(EnumSet.noneOf(Rule.class));

    Rules {
        broken = Set.copyOf(broken);
    }

    /** Raft with {@code first} (and {@code more}) broken: a planted bug. */
    static Rules breaking(Rule first, Rule... more) {
        return new Rules(EnumSet.of(first, more));
    }

    /** Whether this node follows {@code rule}. */
    boolean follows(Rule rule) {
        return !broken.contains(rule);
    }
}
