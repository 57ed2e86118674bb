package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * ListOffsets request, v6-v9 (all flexible, one layout). The versions differ in which special
 * timestamps the broker must understand: -1 latest, -2 earliest (all), v7+ -3 max timestamp,
 * v8+ -4 earliest local, v9+ -5 latest tiered. {@code TimeoutMs} arrives only in v10.
 *
 * <pre>
 *  replica_id int32 | isolation_level int8
 *  topics [ name compact string | partitions [ partition_index int32 | current_leader_epoch int32 | timestamp int64 | tags ] | tags ]
 *  tags
 * </pre>
 *
 * @param replicaId      the requesting broker, -1 for a consumer
 * @param isolationLevel 0 read uncommitted, 1 read committed
 * @param topics         the partitions to look up
 */
public record ListOffsetsRequest(int replicaId, byte isolationLevel, List<ListOffsetsTopic> topics)
        implements ApiRequest {

    /** The special timestamp asking for the log end offset (or the last stable offset, read committed). */
    public static final long LATEST_TIMESTAMP = -1L;
    /** The special timestamp asking for the log start offset. */
    public static final long EARLIEST_TIMESTAMP = -2L;
    /** v7+: the offset of the record with the largest timestamp. */
    public static final long MAX_TIMESTAMP = -3L;

    /**
     * @param name       the topic name
     * @param partitions the partitions to look up
     */
    public record ListOffsetsTopic(String name, List<ListOffsetsPartition> partitions) {
    }

    /**
     * @param partitionIndex     the partition index
     * @param currentLeaderEpoch the leader epoch the client knows, -1 for none
     * @param timestamp          the time to look up in epoch milliseconds, or a special timestamp
     */
    public record ListOffsetsPartition(int partitionIndex, int currentLeaderEpoch, long timestamp) {
    }

    /**
     * Decodes one ListOffsetsRequest at {@code version}.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static ListOffsetsRequest read(ProtocolReader r, short version) {
        if (!ApiKey.LIST_OFFSETS.isVersionSupported(version)) {
            throw new MalformedMessageException("ListOffsets v" + version + " is not supported");
        }
        int replicaId = r.readInt32();
        byte isolationLevel = r.readInt8();
        int topicCount = r.readNonNullArrayLength(true);
        List<ListOffsetsTopic> topics = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            String name = r.readString(true);
            int partitionCount = r.readNonNullArrayLength(true);
            List<ListOffsetsPartition> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new ListOffsetsPartition(r.readInt32(), r.readInt32(), r.readInt64()));
                r.skipTaggedFields();
            }
            r.skipTaggedFields();
            topics.add(new ListOffsetsTopic(name, partitions));
        }
        r.skipTaggedFields();
        return new ListOffsetsRequest(replicaId, isolationLevel, topics);
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.LIST_OFFSETS.isVersionSupported(version)) {
            throw new IllegalArgumentException("ListOffsets v" + version + " is outside the supported band");
        }
        w.writeInt32(replicaId).writeInt8(isolationLevel);
        w.writeArrayLength(topics.size(), true);
        for (ListOffsetsTopic topic : topics) {
            w.writeString(topic.name, true);
            w.writeArrayLength(topic.partitions.size(), true);
            for (ListOffsetsPartition p : topic.partitions) {
                w.writeInt32(p.partitionIndex).writeInt32(p.currentLeaderEpoch).writeInt64(p.timestamp)
                        .writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_OFFSETS;
    }

    /** Every partition asked for fails with {@code error}; timestamp, offset and epoch are -1. */
    @Override
    public ListOffsetsResponse errorResponse(Errors error) {
        List<ListOffsetsResponse.ListOffsetsTopicResponse> responses = new ArrayList<>(topics.size());
        for (ListOffsetsTopic topic : topics) {
            List<ListOffsetsResponse.ListOffsetsPartitionResponse> partitions = new ArrayList<>(topic.partitions.size());
            for (ListOffsetsPartition p : topic.partitions) {
                partitions.add(new ListOffsetsResponse.ListOffsetsPartitionResponse(p.partitionIndex, error.code,
                        -1L, -1L, -1));
            }
            responses.add(new ListOffsetsResponse.ListOffsetsTopicResponse(topic.name, partitions));
        }
        return new ListOffsetsResponse(0, responses);
    }
}
