package io.varve.raft.core;

import java.util.Random;

/**
 * A Raft voter as a pure state machine (etcd-raft style). It never does I/O: every call may produce
 * work, collected with {@link #ready()} and acknowledged with {@link #advance(Ready)} once the
 * driver has done it (see {@link Ready} for the order: persist, then send, then apply).
 *
 * <p>Implements: leader election with randomized timeouts, pre-vote and check-quorum; log
 * replication with batching and pipelining; commit only by counting replicas of the current term's
 * entries (§5.4.2); snapshot install for followers behind the leader's first index.
 *
 * <p>Not thread-safe: one thread drives a node.
 */
public final class RaftNode {

    /**
     * A node restarting from its durable state.
     *
     * @param config    settings
     * @param hardState the term and vote last persisted
     * @param log       the durable log (after any snapshot)
     * @param random    this node's seeded random: election timeouts
     * @param nowNs     the time now
     */
    public RaftNode(RaftConfig config, HardState hardState, RaftLogView log, Random random, long nowNs) {
        throw new UnsupportedOperationException("the Raft core lands with issue 4");
    }

    /** Handles a message from another node. */
    public void step(RaftMessage message, long nowNs) {
        throw new UnsupportedOperationException();
    }

    /** Moves time forward: elections, heartbeats, check-quorum. */
    public void tick(long nowNs) {
        throw new UnsupportedOperationException();
    }

    /** Appends {@code data} as a new entry when this node leads. */
    public ProposeResult propose(byte[] data, long nowNs) {
        throw new UnsupportedOperationException();
    }

    /** The work produced since the last {@link #advance}; empty when there is none. */
    public Ready ready() {
        throw new UnsupportedOperationException();
    }

    /** Tells the node that {@code ready} was done: its entries are durable, its messages sent. */
    public void advance(Ready ready) {
        throw new UnsupportedOperationException();
    }

    /** Tells the node the state machine took a snapshot at {@code meta}; the driver already truncated the log below it. */
    public void onSnapshotTaken(SnapshotMeta meta) {
        throw new UnsupportedOperationException();
    }

    public RaftStatus status() {
        throw new UnsupportedOperationException();
    }
}
