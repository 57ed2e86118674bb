package io.varve.raft.core;

import java.util.List;
import java.util.Objects;

/**
 * The messages voters exchange. Each names its sender, its addressee and the sender's term; a
 * message from a lower term is answered (so the sender learns the term) or dropped, never obeyed.
 * Immutable; entry lists and byte arrays are owned by the message once built.
 */
public sealed interface RaftMessage {

    int from();

    int to();

    int term();

    /**
     * RequestVote (§5.2), or PreVote when {@code preVote}: a pre-vote asks "would you vote for me
     * in {@code term}" without anyone changing term or vote.
     */
    record VoteRequest(int from, int to, int term, boolean preVote, long lastLogIndex, int lastLogTerm)
        implements RaftMessage {
    }

    /** The answer to a {@link VoteRequest}; {@code term} is the voter's term (or the asked term for a granted pre-vote). */
    record VoteResponse(int from, int to, int term, boolean preVote, boolean granted) implements RaftMessage {
    }

    /**
     * AppendEntries (§5.3): also the leader's heartbeat when {@code entries} is empty.
     *
     * @param prevLogIndex index of the entry before {@code entries}
     * @param prevLogTerm  its term
     * @param commitIndex  the leader's commit index
     */
    record AppendRequest(int from, int to, int term, long prevLogIndex, int prevLogTerm, List<RaftEntry> entries,
                         long commitIndex) implements RaftMessage {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an {@link AppendRequest}.
     *
     * @param success    whether the entries now match the leader's log
     * @param matchIndex on success the last index known to match; on failure a hint, the last index
     *                   that may still match: the follower's last index, or the index just before the
     *                   first entry of the conflicting term. The leader backs up to {@code matchIndex + 1}
     *                   in one step
     */
    record AppendResponse(int from, int to, int term, boolean success, long matchIndex) implements RaftMessage {
    }

    /**
     * InstallSnapshot (§7), whole: metadata snapshots are small. Sent when a follower needs entries
     * below the leader's {@link RaftLogView#firstIndex()}.
     */
    record SnapshotRequest(int from, int to, int term, SnapshotMeta meta, byte[] data) implements RaftMessage {
        public SnapshotRequest {
            Objects.requireNonNull(meta, "meta");
            Objects.requireNonNull(data, "data");
        }
    }

    /** The answer to a {@link SnapshotRequest}: the follower's log now starts after {@code lastIndex}. */
    record SnapshotResponse(int from, int to, int term, long lastIndex) implements RaftMessage {
    }
}
