package io.varve.raft.core;

import java.util.List;

/**
 * How a follower takes the leader's log (§5.3) and snapshots (§7): log matching on
 * {@code prevLogIndex}/{@code prevLogTerm}, truncation only on a conflict, commit index capped by
 * what the request matched, and a backup hint on refusal. Stateless; works on the node it is given.
 */
final class FollowerReplication {

    static final FollowerReplication INSTANCE = new FollowerReplication();

    private FollowerReplication() {
    }

    void onAppend(RaftNode node, RaftMessage.AppendRequest request) {
        RaftLog log = node.log();
        long prev = request.prevLogIndex();
        if (prev < node.commitIndex()) {
            // Everything up to the commit index matches any leader's log (§5.4.3); say how far that goes.
            reply(node, request, true, node.commitIndex());
            return;
        }
        if (prev > log.lastIndex()) {
            reply(node, request, false, log.lastIndex());
            return;
        }
        int prevTerm = log.termAt(prev);
        if (prevTerm != request.prevLogTerm()) {
            reply(node, request, false, lastIndexBeforeTerm(log, prev, prevTerm, node.commitIndex()));
            return;
        }
        appendNew(node, log, request.entries());
        long lastNew = prev + request.entries().size();
        node.commitTo(Math.min(request.commitIndex(), commitCap(node, log, lastNew)));
        reply(node, request, true, lastNew);
    }

    /** The highest index a request that matched up to {@code lastNew} lets this follower commit. */
    private static long commitCap(RaftNode node, RaftLog log, long lastNew) {
        if (node.rules().follows(Rules.Rule.CAP_FOLLOWER_COMMIT)) {
            return lastNew;
        }
        return node.rules().follows(Rules.Rule.CAP_FOLLOWER_COMMIT_AT_LOG_END) ? log.lastIndex() : Long.MAX_VALUE;
    }

    /** Appends the entries the log lacks; on a conflicting term, drops the log from there first. */
    private static void appendNew(RaftNode node, RaftLog log, List<RaftEntry> entries) {
        for (RaftEntry entry : entries) {
            if (entry.index() <= log.lastIndex()) {
                if (log.termAt(entry.index()) == entry.term()) {
                    continue;
                }
                if (entry.index() <= node.commitIndex()) {
                    throw new IllegalStateException("leader conflicts with committed entry " + entry.index());
                }
                log.truncateFrom(entry.index());
            }
            log.append(entry);
        }
    }

    /** The fast-backup hint: the index before the first entry of the conflicting term (never below commit). */
    private static long lastIndexBeforeTerm(RaftLog log, long index, int conflictTerm, long commitIndex) {
        long i = index;
        long floor = Math.max(commitIndex, log.snapshot().lastIndex());
        while (i - 1 > floor && log.termAt(i - 1) == conflictTerm) {
            i--;
        }
        return i - 1;
    }

    void onSnapshot(RaftNode node, RaftMessage.SnapshotRequest request) {
        RaftLog log = node.log();
        SnapshotMeta meta = request.meta();
        if (meta.lastIndex() > node.commitIndex()) {
            if (log.matchTerm(meta.lastIndex(), meta.lastTerm())) {
                node.commitTo(meta.lastIndex()); // we hold it already: just commit
            } else {
                log.installSnapshot(meta, request.data().clone());
                node.commitTo(meta.lastIndex());
            }
        }
        node.send(new RaftMessage.SnapshotResponse(node.config().nodeId(), request.from(), node.term(),
            node.commitIndex()));
    }

    private static void reply(RaftNode node, RaftMessage.AppendRequest request, boolean success, long matchIndex) {
        node.send(new RaftMessage.AppendResponse(node.config().nodeId(), request.from(), node.term(), success, matchIndex));
    }
}
