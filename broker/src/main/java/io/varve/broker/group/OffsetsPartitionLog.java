package io.varve.broker.group;

import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.AppendResult;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GroupLog} on the broker's local {@code __consumer_offsets} partitions: the records of one
 * call become one uncompressed batch, appended as leader (fsync as the log's flush policy says),
 * and waiting fetches are woken. Returns NOT_COORDINATOR when the partition is not led here. Where
 * each write ends goes to the {@link ReplicationBarrier}, which holds the answers until it is
 * replicated: "written" here means in the leader's log, not yet acknowledged.
 *
 * <p>Not thread-safe: called on the coordinator's thread only (the batch builder is reused).
 */
final class OffsetsPartitionLog implements GroupLog {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetsPartitionLog.class);

    private final ReplicaManager replicas;
    private final int numPartitions;
    private final Clock clock;
    private final RecordBatchBuilder builder = new RecordBatchBuilder();

    private final ReplicationBarrier barrier;

    /** @param barrier told where each write ends, so that answers wait for its replication */
    OffsetsPartitionLog(ReplicaManager replicas, int numPartitions, Clock clock, ReplicationBarrier barrier) {
        this.replicas = replicas;
        this.numPartitions = numPartitions;
        this.clock = clock;
        this.barrier = barrier;
    }

    @Override
    public Errors append(String groupId, List<CoordinatorRecord> records) {
        int partitionIndex = OffsetsTopic.partitionFor(groupId, numPartitions);
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partitionIndex);
        Partition partition = replicas.partition(tp);
        if (partition == null) {
            return Errors.NOT_COORDINATOR;
        }
        long now = clock.wallClockMs();
        long capacity = RecordBatchFlyweight.HEADER_SIZE;
        for (CoordinatorRecord r : records) {
            capacity += builder.sizeOfRecord(now, r.key().length, r.value() == null ? -1 : r.value().length);
        }
        if (capacity > partition.log().config().maxMessageBytes()) {
            return Errors.INVALID_COMMIT_OFFSET_SIZE;
        }
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[(int) capacity]);
        builder.wrap(buffer, 0, (int) capacity);
        for (CoordinatorRecord r : records) {
            builder.append(now, r.key(), r.value());
        }
        int size = builder.build();
        Partition.LeaderAppend append = partition.appendAsLeader(buffer, 0, size, true);
        if (append.refusal() != Errors.NONE) {
            // Kafka's answers to a group write that acks=-1 refused: led elsewhere now, or too few in sync.
            return append.refusal() == Errors.NOT_LEADER_OR_FOLLOWER ? Errors.NOT_COORDINATOR
                : Errors.COORDINATOR_NOT_AVAILABLE;
        }
        AppendResult result = append.result();
        if (!result.isOk()) {
            LOG.error("Appending {} group records to {} failed: {}", records.size(), tp, result);
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        barrier.written(partitionIndex, result.lastOffset() + 1);
        replicas.appended(tp);
        return Errors.NONE;
    }
}
