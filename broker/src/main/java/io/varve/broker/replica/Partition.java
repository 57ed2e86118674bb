package io.varve.broker.replica;

import io.varve.common.TopicPartition;
import io.varve.storage.AppendResult;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import java.util.UUID;
import org.agrona.DirectBuffer;

/**
 * One partition this broker hosts as leader: its log, its leader epoch and its high-water mark.
 *
 * <p>With one replica the in-sync replica set is the leader alone, so the high-water mark is the
 * log end offset and an {@code acks=all} append is committed as soon as it is written; the
 * replication issue replaces {@link #highWatermark()} with the minimum log end offset of the ISR.
 *
 * <p>Thread-safe: the log serialises appends under its own lock; the epoch is volatile.
 */
public final class Partition {

    private final TopicPartition topicPartition;
    private final UUID topicId;
    private final PartitionLog log;
    private volatile int leaderEpoch;

    Partition(TopicPartition topicPartition, UUID topicId, PartitionLog log, int leaderEpoch) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
    }

    /** Appends a produce request's batches, stamping offsets and this leader's epoch. */
    public AppendResult appendAsLeader(DirectBuffer records, int offset, int length) {
        return log.append(records, offset, length, leaderEpoch);
    }

    /** Whole batches from {@code offset}, at most {@code maxBytes} (one batch always), below the high-water mark. */
    public LogSlice read(long offset, int maxBytes) {
        return log.read(offset, maxBytes);
    }

    public long highWatermark() {
        return log.logEndOffset();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    void leaderEpoch(int epoch) {
        this.leaderEpoch = epoch;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public UUID topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    @Override
    public String toString() {
        return "Partition{" + topicPartition + ", epoch=" + leaderEpoch + ", hwm=" + highWatermark() + '}';
    }
}
