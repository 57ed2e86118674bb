package io.varve.raft.core;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leader (§5.3): replicates its log to each follower through a {@link Progress}, heartbeats idle
 * followers, advances the commit index by {@link MajorityQuorum} over match indexes (its own counts
 * only once durable), and steps down when it has not heard from a majority within an election
 * timeout (check-quorum). Not thread-safe.
 */
final class LeaderState extends RoleState {

    private final RaftNode node;
    private final Map<Integer, Progress> progress = new TreeMap<>();
    private final Set<Integer> recentlyActive = new HashSet<>();
    private long nextHeartbeatNs;
    private long checkQuorumDeadlineNs;

    LeaderState(RaftNode node, long nowNs) {
        this.node = node;
        long next = node.log().lastIndex() + 1;
        for (int voter : node.voters()) {
            if (voter != node.config().nodeId()) {
                progress.put(voter, new Progress(next, node.config().maxInflightAppends()));
            }
        }
        this.nextHeartbeatNs = nowNs + node.heartbeatIntervalNs();
        this.checkQuorumDeadlineNs = nowNs + node.electionTimeoutNs();
    }

    @Override
    RaftStatus.Role role() {
        return RaftStatus.Role.LEADER;
    }

    @Override
    int leaderId() {
        return node.config().nodeId();
    }

    Progress progress(int follower) {
        return progress.get(follower);
    }

    /** Sends what each follower may take now (new entries, or a new commit index when {@code evenIfEmpty}). */
    void broadcastAppend(long nowNs, boolean evenIfEmpty) {
        for (int follower : progress.keySet()) {
            sendAppends(follower, nowNs, evenIfEmpty);
        }
    }

    /** Heartbeats and check-quorum. Returns false when the leader must step down. */
    boolean tick(long nowNs) {
        if (nowNs >= checkQuorumDeadlineNs) {
            recentlyActive.add(node.config().nodeId());
            if (!MajorityQuorum.isQuorum(node.config().voters(), recentlyActive)) {
                return false;
            }
            recentlyActive.clear();
            checkQuorumDeadlineNs = nowNs + node.electionTimeoutNs();
        }
        if (nowNs >= nextHeartbeatNs) {
            nextHeartbeatNs = nowNs + node.heartbeatIntervalNs();
            for (Map.Entry<Integer, Progress> e : progress.entrySet()) {
                heartbeat(e.getKey(), e.getValue(), nowNs);
            }
        }
        return true;
    }

    private void heartbeat(int follower, Progress p, long nowNs) {
        switch (p.mode()) {
            case PROBE -> sendAppend(follower, p, nowNs, true);
            case REPLICATE -> {
                boolean resend = node.rules().follows(Rules.Rule.RESEND_LOST_APPENDS);
                if (p.stalledSinceLastHeartbeat() && p.inflightFull() && resend) {
                    p.becomeProbe();
                    sendAppend(follower, p, nowNs, true);
                } else {
                    sendHeartbeat(follower, p);
                }
            }
            case SNAPSHOT -> {
                if (nowNs - p.snapshotSentNs() >= node.electionTimeoutNs()) {
                    p.becomeProbe();
                    sendAppend(follower, p, nowNs, true);
                }
            }
        }
    }

    /** A heartbeat that is sure to match: it names the follower's known match point. */
    private void sendHeartbeat(int follower, Progress p) {
        long prev = Math.max(p.matchIndex(), node.log().snapshot().lastIndex());
        if (!node.log().hasTermAt(prev)) {
            return;
        }
        node.send(new RaftMessage.AppendRequest(node.config().nodeId(), follower, node.term(), prev,
            node.log().termAt(prev), List.of(), node.commitIndex()));
    }

    private void sendAppends(int follower, long nowNs, boolean evenIfEmpty) {
        Progress p = progress.get(follower);
        boolean sent = sendAppend(follower, p, nowNs, evenIfEmpty);
        while (sent && p.mode() == Progress.Mode.REPLICATE) {
            sent = sendAppend(follower, p, nowNs, false);
        }
    }

    /**
     * Sends one AppendRequest from the follower's nextIndex, or a snapshot when that index is
     * compacted away. Returns whether a request with entries went out.
     */
    private boolean sendAppend(int follower, Progress p, long nowNs, boolean evenIfEmpty) {
        RaftLog log = node.log();
        long prev = p.nextIndex() - 1;
        if (p.mode() == Progress.Mode.SNAPSHOT) {
            return false;
        }
        if (p.nextIndex() < log.firstIndex() || !log.hasTermAt(prev)) {
            sendSnapshot(follower, p, nowNs);
            return false;
        }
        boolean mayCarry = p.canSend() || evenIfEmpty && p.mode() == Progress.Mode.PROBE;
        List<RaftEntry> entries = mayCarry && p.nextIndex() <= log.lastIndex()
            ? log.entries(p.nextIndex(), node.config().maxAppendBytes()) : List.of();
        if (entries.isEmpty() && !evenIfEmpty) {
            return false;
        }
        if (entries.isEmpty() && p.mode() == Progress.Mode.REPLICATE) {
            sendHeartbeat(follower, p);
            return false;
        }
        node.send(new RaftMessage.AppendRequest(node.config().nodeId(), follower, node.term(), prev,
            log.termAt(prev), entries, node.commitIndex()));
        if (!entries.isEmpty()) {
            p.onSent(entries.get(entries.size() - 1).index());
        }
        return !entries.isEmpty();
    }

    private void sendSnapshot(int follower, Progress p, long nowNs) {
        RaftLog log = node.log();
        SnapshotMeta meta = log.snapshot();
        node.send(new RaftMessage.SnapshotRequest(node.config().nodeId(), follower, node.term(), meta,
            node.durableSnapshotData()));
        p.becomeSnapshot(nowNs);
    }

    /** A follower answered an AppendRequest of this term. */
    void onAppendResponse(RaftMessage.AppendResponse response, long nowNs) {
        Progress p = progress.get(response.from());
        if (p == null) {
            return;
        }
        recentlyActive.add(response.from());
        if (response.success()) {
            boolean moved = p.onMatch(response.matchIndex());
            if (moved && node.maybeCommit()) {
                broadcastAppend(nowNs, true);
                return;
            }
        } else {
            if (response.matchIndex() < p.matchIndex()) {
                return; // stale: the follower already matched further
            }
            p.onReject(response.matchIndex());
        }
        sendAppends(response.from(), nowNs, false);
    }

    /** A follower installed a snapshot. */
    void onSnapshotResponse(RaftMessage.SnapshotResponse response, long nowNs) {
        Progress p = progress.get(response.from());
        if (p == null) {
            return;
        }
        recentlyActive.add(response.from());
        if (p.onMatch(response.lastIndex()) && node.maybeCommit()) {
            broadcastAppend(nowNs, true);
            return;
        }
        sendAppends(response.from(), nowNs, false);
    }

    /** Match index of {@code voter}, this leader's own being its durable last index. */
    long matchIndex(int voter) {
        if (voter == node.config().nodeId()) {
            return node.log().durableLastIndex();
        }
        Progress p = progress.get(voter);
        return p == null ? 0 : p.matchIndex();
    }
}
