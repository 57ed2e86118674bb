package io.varve.raft.core.sim;

import io.varve.raft.core.RaftEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The simulated state machine: a running hash over every applied entry, so two replicas agree at
 * an index exactly when they applied the same entries up to it. Its snapshot is the hash.
 */
final class HashStateMachine {

    private long appliedIndex;
    private long hash;

    long appliedIndex() {
        return appliedIndex;
    }

    long hash() {
        return hash;
    }

    void apply(RaftEntry entry) {
        if (entry.index() != appliedIndex + 1) {
            throw new IllegalStateException("applying " + entry.index() + " after " + appliedIndex);
        }
        hash = (hash ^ Arrays.hashCode(entry.data()) ^ ((long) entry.term() << 32)) * 0x100000001b3L + entry.index();
        appliedIndex = entry.index();
    }

    /**
     * The planted driver bug {@code PlantedFault.INSTALL_SNAPSHOT_WITHOUT_RESTORE}: the applied index
     * jumps to {@code index}, the state stays what it was. Correct code never calls it.
     */
    void skipTo(long index) {
        appliedIndex = index;
    }

    byte[] snapshot() {
        return ByteBuffer.allocate(16).putLong(appliedIndex).putLong(hash).array();
    }

    void restore(byte[] data) {
        if (data.length == 0) {
            appliedIndex = 0;
            hash = 0;
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        appliedIndex = buffer.getLong();
        hash = buffer.getLong();
    }
}
