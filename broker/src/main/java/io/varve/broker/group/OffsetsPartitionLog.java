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
 * and waiting fetches are woken. Returns NOT_COORDINATOR when the partition is not led here.
 *
 * <p>Not thread-safe: called on the coordinator's thread only (the batch builder is reused).
 */
final class OffsetsPartitionLog implements GroupLog {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetsPartitionLog.class);

    private final ReplicaManager replicas;
    private final int numPartitions;
    private final Clock clock;
    private final RecordBatchBuilder builder = new RecordBatchBuilder();

    OffsetsPartitionLog(ReplicaManager replicas, int numPartitions, Clock clock) {
        this.replicas = replicas;
        this.numPartitions = numPartitions;
        this.clock = clock;
    }

    @Override
    public Errors append(String groupId, List<CoordinatorRecord> records) {
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, OffsetsTopic.partitionFor(groupId, numPartitions));
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
        AppendResult result = partition.appendAsLeader(buffer, 0, size);
        if (!result.isOk()) {
            LOG.error("Appending {} group records to {} failed: {}", records.size(), tp, result);
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        replicas.appended(tp);
        return Errors.NONE;
    }
}
