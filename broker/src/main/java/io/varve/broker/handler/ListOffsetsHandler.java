package io.varve.broker.handler;

import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.ListOffsetsResponse;
import io.varve.protocol.generated.ListOffsetsResponse.ListOffsetsPartitionResponse;
import io.varve.storage.TimestampAndOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ListOffsets: the log start (earliest, {@code -2}; earliest-local, {@code -4}), the high-water
 * mark (latest, {@code -1}), the record with the largest timestamp ({@code -3}), no tiered offset
 * ({@code -5}: Varve has no tiered storage), or the first record whose timestamp is at or after a
 * given one. Thread-safe.
 */
final class ListOffsetsHandler {

    static final long LATEST = -1L;
    static final long EARLIEST = -2L;
    static final long MAX_TIMESTAMP = -3L;
    static final long EARLIEST_LOCAL = -4L;
    static final long LATEST_TIERED = -5L;
    /** v11: the earliest offset not yet uploaded to remote storage; none is, without tiered storage. */
    static final long EARLIEST_PENDING_UPLOAD = -6L;

    private final ReplicaManager replicas;

    ListOffsetsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    ListOffsetsResponse handle(ListOffsetsRequest request) {
        return handle(request, (short) 9);
    }

    /** ListOffsets at {@code version}: the leader epoch of each answer exists from v4 (-1 before). */
    ListOffsetsResponse handle(ListOffsetsRequest request, short version) {
        List<ListOffsetsResponse.ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsRequest.ListOffsetsTopic topic : request.topics()) {
            List<ListOffsetsPartitionResponse> partitions = new ArrayList<>();
            for (ListOffsetsRequest.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse found = lookup(topic.name(), p);
                partitions.add(version >= 4 ? found : new ListOffsetsPartitionResponse(found.partitionIndex(),
                    found.errorCode(), found.timestamp(), found.offset(), -1));
            }
            topics.add(new ListOffsetsResponse.ListOffsetsTopicResponse(topic.name(), partitions));
        }
        return new ListOffsetsResponse(0, topics);
    }

    private ListOffsetsPartitionResponse lookup(String topic, ListOffsetsRequest.ListOffsetsPartition p) {
        int index = p.partitionIndex();
        TopicPartition tp = TopicPartitions.parse(topic, index);
        Partition partition = tp == null ? null : replicas.partition(tp);
        if (partition == null) {
            return failed(index, tp == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : replicas.errorFor(tp));
        }
        int epoch = p.currentLeaderEpoch();
        if (epoch >= 0 && epoch != partition.leaderEpoch()) {
            return failed(index, epoch < partition.leaderEpoch() ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH);
        }
        long timestamp = p.timestamp();
        int leaderEpoch = partition.leaderEpoch();
        if (timestamp == LATEST) {
            return found(index, -1L, partition.highWatermark(), leaderEpoch);
        }
        if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            return found(index, -1L, partition.logStartOffset(), leaderEpoch);
        }
        if (timestamp == LATEST_TIERED || timestamp == EARLIEST_PENDING_UPLOAD) {
            return found(index, -1L, -1L, -1);
        }
        Optional<TimestampAndOffset> hit = timestamp == MAX_TIMESTAMP
            ? RecordTimestamps.maxTimestamp(partition)
            : timestamp >= 0 ? RecordTimestamps.firstAtOrAfter(partition, timestamp) : Optional.empty();
        if (timestamp < 0 && timestamp != MAX_TIMESTAMP) {
            return failed(index, Errors.INVALID_REQUEST);
        }
        return hit.map(t -> found(index, t.timestamp(), t.offset(), t.leaderEpoch()))
            .orElseGet(() -> found(index, -1L, -1L, -1));
    }

    private static ListOffsetsPartitionResponse found(int index, long timestamp, long offset, int epoch) {
        return new ListOffsetsPartitionResponse(index, Errors.NONE.code, timestamp, offset, epoch);
    }

    private static ListOffsetsPartitionResponse failed(int index, Errors error) {
        return new ListOffsetsPartitionResponse(index, error.code, -1L, -1L, -1);
    }
}
