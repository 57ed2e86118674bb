package io.varve.raft.core.sim;

/**
 * The simulation's named invariants (docs/testing.md). Every {@link InvariantViolation} names one, and
 * {@code PlantedFaultsTest} shows each one firing on a planted bug.
 */
enum Invariant {
    /** §5.2 Election Safety: at most one node is ever leader in a term. */
    SINGLE_LEADER_PER_TERM("SingleLeaderPerTerm"),
    /** §5.4.3 State Machine Safety, Log Matching: an entry at or below any commit index is what was first committed there. */
    COMMITTED_ENTRIES_NEVER_CHANGE("CommittedEntriesNeverChange"),
    /** Within a node's life its commit index never decreases. */
    MONOTONIC_COMMIT_INDEX("MonotonicCommitIndex"),
    /** §5.4 Leader Completeness: a leader of term T holds every entry committed in an earlier term. */
    LEADER_HAS_ALL_COMMITTED_ENTRIES("LeaderHasAllCommittedEntries"),
    /** §5.4.3: state machines that applied up to the same index hold the same state. */
    STATE_MACHINES_AGREE_AT_EQUAL_INDEX("StateMachinesAgreeAtEqualIndex"),
    /** Ready's order (§5.2, §5.3): what a message promises (a vote, an acknowledged index) is on disk when it is sent. */
    PERSIST_BEFORE_SEND("PersistBeforeSend"),
    /** Liveness: after healing, a leader is elected and a proposal committed and applied within the bound. */
    LEADER_ELECTED_AND_PROPOSAL_COMMITTED_AFTER_HEAL("LeaderElectedAndProposalCommittedAfterHeal"),
    /** No node (core, log or driver) throws: the core throws on states Raft rules out. */
    NO_EXCEPTION("NoException");

    private final String displayName;

    Invariant(String displayName) {
        this.displayName = displayName;
    }

    /** The name the docs and failure messages use, e.g. {@code SingleLeaderPerTerm}. */
    @Override
    public String toString() {
        return displayName;
    }
}
