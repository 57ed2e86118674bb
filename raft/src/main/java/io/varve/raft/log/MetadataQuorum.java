package io.varve.raft.log;

import io.varve.raft.metadata.MetadataRecord;
import java.util.List;
import java.util.function.Consumer;

/**
 * The replicated metadata log as the controller sees it: append records and learn when they are
 * committed, and read back what is committed. {@link LocalQuorum} is the quorum of one voter (the
 * local node); the broker's {@code RaftQuorum} is a quorum of many (over {@link MetadataRaftLog}) behind this
 * same interface.
 *
 * <p>Implementations state their own thread-safety; the controller calls them from its one thread.
 */
public interface MetadataQuorum extends AutoCloseable {

    /**
     * Appends {@code records}, in order, as one batch, and returns once they are committed or known
     * not to be. Never throws for an I/O failure: that is {@link AppendOutcome.Status#FAILED}.
     *
     * @param records one or more records
     */
    AppendOutcome append(List<MetadataRecord> records);

    /**
     * Appends {@code records} as {@link #append} does, but without waiting: {@code onOutcome} is
     * called exactly once with their fate, perhaps before this returns, perhaps later on the quorum's
     * own thread. The default commits in the caller's thread (a one-voter quorum's fsync).
     */
    default void appendAsync(List<MetadataRecord> records, Consumer<AppendOutcome> onOutcome) {
        onOutcome.accept(append(records));
    }

    /**
     * Calls {@code visitor} with every committed record at or after {@code fromOffset}, in order.
     *
     * @return the offset after the last record visited (where the next read starts)
     * @throws LogCompactedException if a snapshot replaced records from {@code fromOffset} on: start
     *         from {@link #snapshotImageBelow} instead
     * @throws io.varve.raft.metadata.CorruptMetadataException if committed bytes do not decode: the
     *         node must stop
     */
    long read(long fromOffset, RecordVisitor visitor);

    /**
     * The image of a snapshot that replaced the records from {@code fromOffset} on (Low-Water Mark),
     * for a reader that must start from it instead; null when the log still holds them, or never
     * drops records (the default).
     */
    default io.varve.raft.metadata.MetadataImage snapshotImageBelow(long fromOffset) {
        return null;
    }

    /** The offset after the last committed record. */
    long endOffset();

    /** Whether the quorum has failed and accepts no more appends. */
    boolean isFailed();

    /** Releases the log; appends after close answer {@link AppendOutcome.Status#FAILED}. */
    @Override
    void close();

    /** Receives committed records in log order. */
    @FunctionalInterface
    interface RecordVisitor {
        void onRecord(MetadataRecord record, long offset);
    }
}
