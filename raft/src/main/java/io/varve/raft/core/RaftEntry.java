package io.varve.raft.core;

import java.util.Objects;

/**
 * One entry of the replicated log. Index 1 is the first entry; index 0 with term 0 is the empty
 * log's sentinel. {@code data} is owned by the entry: callers must not change it after construction.
 *
 * @param index the entry's position, &ge; 1
 * @param term  the leader term that created it, &ge; 1
 * @param data  the payload; empty for the no-op a new leader appends at the start of its term
 */
public record RaftEntry(long index, int term, byte[] data) {
    public RaftEntry {
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("index and term must be positive: " + index + "/" + term);
        }
        Objects.requireNonNull(data, "data");
    }

    /** Bytes the entry costs in a message, for batching limits. */
    public int sizeInBytes() {
        return data.length + 16;
    }
}
