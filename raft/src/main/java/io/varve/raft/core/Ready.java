package io.varve.raft.core;

import java.util.List;

/**
 * What the driver must do after a call into {@link RaftNode}, in this order (the persist-before-send
 * rule: a vote, an acknowledgment or a leader's own match index must never be seen by another node
 * before it is durable here):
 * <ol>
 *   <li>persist {@link #hardState()} if not null, with fsync;</li>
 *   <li>install {@link #snapshot()} if not null (replacing the whole log), with fsync;</li>
 *   <li>truncate the log after {@link #truncateAfter()} if it is &ge; 0, then append
 *       {@link #entries()}, and fsync the log;</li>
 *   <li>only then send {@link #messages()};</li>
 *   <li>apply committed entries up to {@link #commitIndex()} (from the log), in order;</li>
 *   <li>call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 *
 * @param hardState     term and vote to persist, or null when unchanged
 * @param snapshot      a snapshot received from the leader to install, or null
 * @param snapshotData  its bytes when {@code snapshot} is not null, else null
 * @param truncateAfter drop every entry after this index before appending, or -1
 * @param entries       entries to append to the durable log, in index order
 * @param messages      messages to send once the above is durable
 * @param commitIndex   every entry up to here is committed
 * @param status        the node's role, term and known leader after this step
 */
public record Ready(HardState hardState, SnapshotMeta snapshot, byte[] snapshotData, long truncateAfter,
                    List<RaftEntry> entries, List<RaftMessage> messages, long commitIndex, RaftStatus status) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
    }

    /** Whether there is nothing to persist and nothing to send. */
    public boolean isEmpty() {
        return hardState == null && snapshot == null && truncateAfter < 0 && entries.isEmpty() && messages.isEmpty();
    }
}
