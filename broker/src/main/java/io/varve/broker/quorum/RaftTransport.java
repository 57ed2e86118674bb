package io.varve.broker.quorum;

import io.varve.raft.core.RaftMessage;

/** Delivers Raft messages to other voters, best effort: Raft tolerates loss, so a full queue drops. */
interface RaftTransport extends AutoCloseable {

    /** Queues {@code message} for {@code message.to()}; never blocks. */
    void send(RaftMessage message);

    /** Releases connections; the default has none. */
    @Override
    default void close() {
    }
}
