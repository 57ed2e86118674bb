package io.varve.raft.core.sim;

import io.varve.raft.core.MemoryRaftLog;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.core.RaftStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The simulation's named invariants, over every node and a global record of what was committed and
 * what state machines held at each index. {@link #afterEvent} runs after every event; the {@code on*}
 * hooks run inside an event at the moment a node commits, applies or installs. Each failure throws an
 * {@link InvariantViolation} naming its {@link Invariant}. Not thread-safe.
 */
final class Invariants {

    private final Map<Integer, Integer> leaderOfTerm = new HashMap<>();
    private final Map<Long, RaftEntry> committed = new HashMap<>();
    /** The lowest term of any node that saw each index committed: at least the term it was committed in. */
    private final Map<Long, Integer> committedSeenInTerm = new HashMap<>();
    private final Map<Long, Long> stateAt = new HashMap<>();
    private long maxCommitted;

    long maxCommitted() {
        return maxCommitted;
    }

    /** How many terms had a leader. */
    int leadersElected() {
        return leaderOfTerm.size();
    }

    /** Checks every node; run after each event. */
    void afterEvent(Iterable<SimNode> nodes) {
        for (SimNode node : nodes) {
            RaftNode raft = node.raft();
            if (raft == null) {
                continue;
            }
            RaftStatus status = raft.status();
            singleLeaderPerTerm(status);
            monotonicCommitIndex(node, status);
            committedEntriesNeverChange(node, status);
            if (status.role() == RaftStatus.Role.LEADER) {
                leaderHasAllCommittedEntries(node, status);
            }
        }
    }

    /** SingleLeaderPerTerm (§5.2 Election Safety): at most one leader is elected in a term. */
    void singleLeaderPerTerm(RaftStatus status) {
        if (status.role() != RaftStatus.Role.LEADER) {
            return;
        }
        Integer known = leaderOfTerm.putIfAbsent(status.term(), status.nodeId());
        if (known != null && known != status.nodeId()) {
            throw new InvariantViolation(Invariant.SINGLE_LEADER_PER_TERM,
                "nodes " + known + " and " + status.nodeId() + " both led term " + status.term());
        }
    }

    /**
     * MonotonicCommitIndex: within a node's life its commit index never goes back. Checked after every
     * event and on every Ready, before the driver acts on it.
     */
    void monotonicCommitIndex(SimNode node, RaftStatus status) {
        if (status.commitIndex() < node.lastCommitIndex) {
            throw new InvariantViolation(Invariant.MONOTONIC_COMMIT_INDEX,
                "node " + node.id + " went from " + node.lastCommitIndex + " to " + status.commitIndex());
        }
        node.lastCommitIndex = status.commitIndex();
    }

    /**
     * CommittedEntriesNeverChange (§5.4 State Machine Safety, Log Matching): every entry a node holds
     * at or below its commit index equals what was first committed at that index anywhere.
     */
    void committedEntriesNeverChange(SimNode node, RaftStatus status) {
        MemoryRaftLog log = node.disk().log();
        long to = Math.min(status.commitIndex(), log.lastIndex());
        for (long i = log.firstIndex(); i <= to; i++) {
            onCommitted(node, log.entry(i), status.term());
        }
    }

    /** A node holds {@code entry} at or below its commit index. */
    void onCommitted(SimNode node, RaftEntry entry, int seenInTerm) {
        RaftEntry first = committed.putIfAbsent(entry.index(), entry);
        if (first != null && (first.term() != entry.term() || !Arrays.equals(first.data(), entry.data()))) {
            throw new InvariantViolation(Invariant.COMMITTED_ENTRIES_NEVER_CHANGE, "node " + node.id + " holds committed index "
                + entry.index() + " as term " + entry.term() + ", first committed as term " + first.term());
        }
        committedSeenInTerm.merge(entry.index(), seenInTerm, Math::min);
        maxCommitted = Math.max(maxCommitted, entry.index());
    }

    /**
     * LeaderHasAllCommittedEntries (§5.4 Leader Completeness): a leader of term T holds every entry
     * committed in an earlier term (checked once per index per leadership).
     */
    void leaderHasAllCommittedEntries(SimNode node, RaftStatus status) {
        if (node.verifiedLeaderTerm != status.term()) {
            node.verifiedLeaderTerm = status.term();
            node.verifiedLeaderTo = 0;
        }
        MemoryRaftLog log = node.disk().log();
        long from = Math.max(node.verifiedLeaderTo + 1, log.firstIndex());
        long contiguous = node.verifiedLeaderTo;
        for (long i = from; i <= maxCommitted; i++) {
            Integer seen = committedSeenInTerm.get(i);
            if (seen == null || seen >= status.term()) {
                continue;
            }
            RaftEntry want = committed.get(i);
            if (i > log.lastIndex() || log.entry(i).term() != want.term() || !Arrays.equals(log.entry(i).data(), want.data())) {
                throw new InvariantViolation(Invariant.LEADER_HAS_ALL_COMMITTED_ENTRIES, "leader " + node.id + " of term "
                    + status.term() + " lacks index " + i + " (term " + want.term() + ") committed by term " + seen);
            }
            if (contiguous == i - 1) {
                contiguous = i;
            }
        }
        node.verifiedLeaderTo = Math.max(node.verifiedLeaderTo, contiguous);
    }

    /**
     * PersistBeforeSend (Ready's order, §5.2, §5.3): what a message promises is on this node's disk
     * when it is sent: a granted vote is in the hard state, an acknowledged index is in the log.
     */
    void persistBeforeSend(SimNode node, RaftMessage message) {
        SimDisk disk = node.disk();
        if (message instanceof RaftMessage.VoteResponse r && r.granted() && !r.preVote()
            && (disk.hardState().term() != r.term() || disk.hardState().votedFor() != r.to())) {
            throw new InvariantViolation(Invariant.PERSIST_BEFORE_SEND, "node " + node.id + " granted its vote to " + r.to()
                + " in term " + r.term() + " but its disk holds " + disk.hardState());
        }
        long promised = message instanceof RaftMessage.AppendResponse r && r.success() ? r.matchIndex()
            : message instanceof RaftMessage.SnapshotResponse r ? r.lastIndex() : -1;
        if (promised > disk.log().lastIndex()) {
            throw new InvariantViolation(Invariant.PERSIST_BEFORE_SEND, "node " + node.id + " acknowledged index " + promised
                + " but its disk ends at " + disk.log().lastIndex());
        }
    }

    /** StateMachinesAgreeAtEqualIndex (§5.4.3): every state machine that applied up to an index holds the same state there. */
    void onStateAt(SimNode node, long index, long hash) {
        Long first = stateAt.putIfAbsent(index, hash);
        if (first != null && first != hash) {
            throw new InvariantViolation(Invariant.STATE_MACHINES_AGREE_AT_EQUAL_INDEX,
                "node " + node.id + " state at " + index + " differs from another node's");
        }
    }
}
