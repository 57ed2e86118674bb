package io.varve.raft.core;

/**
 * What {@link RaftNode#propose} did: accepted at {@code index} in {@code term} (committed later, or
 * never if leadership is lost first: the driver learns which by watching the entry at {@code index}
 * in the committed log), or refused because this node is not the leader.
 *
 * @param accepted whether the proposal was appended to the leader's log
 * @param index    its index when accepted, else -1
 * @param term     its term when accepted, else -1
 * @param leaderId when refused: the leader this node knows, or -1
 */
public record ProposeResult(boolean accepted, long index, int term, int leaderId) {
}
