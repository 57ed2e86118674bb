package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * ListOffsets response, v6-v9 (all flexible, one layout).
 *
 * <pre>
 *  throttle_time_ms int32
 *  topics [ name compact string
 *           | partitions [ partition_index int32 | error_code int16 | timestamp int64 | offset int64 | leader_epoch int32 | tags ]
 *           | tags ]
 *  tags
 * </pre>
 *
 * @param throttleTimeMs how long the client must wait because of a quota, 0 when none
 * @param topics         one entry per topic of the request
 */
public record ListOffsetsResponse(int throttleTimeMs, List<ListOffsetsTopicResponse> topics) implements ApiResponse {

    /**
     * @param name       the topic name
     * @param partitions one entry per partition of the request
     */
    public record ListOffsetsTopicResponse(String name, List<ListOffsetsPartitionResponse> partitions) {
    }

    /**
     * @param partitionIndex the partition index
     * @param errorCode      the partition's error, 0 when none
     * @param timestamp      the timestamp of the returned offset, -1 when none
     * @param offset         the offset found, -1 when none
     * @param leaderEpoch    the leader epoch of the returned offset, -1 when unknown
     */
    public record ListOffsetsPartitionResponse(int partitionIndex, short errorCode, long timestamp, long offset,
            int leaderEpoch) {
    }

    /**
     * Decodes one ListOffsetsResponse at {@code version}.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static ListOffsetsResponse read(ProtocolReader r, short version) {
        if (!ApiKey.LIST_OFFSETS.isVersionSupported(version)) {
            throw new MalformedMessageException("ListOffsets v" + version + " is not supported");
        }
        int throttleTimeMs = r.readInt32();
        int topicCount = r.readNonNullArrayLength(true);
        List<ListOffsetsTopicResponse> topics = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            String name = r.readString(true);
            int partitionCount = r.readNonNullArrayLength(true);
            List<ListOffsetsPartitionResponse> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new ListOffsetsPartitionResponse(r.readInt32(), r.readInt16(), r.readInt64(),
                        r.readInt64(), r.readInt32()));
                r.skipTaggedFields();
            }
            r.skipTaggedFields();
            topics.add(new ListOffsetsTopicResponse(name, partitions));
        }
        r.skipTaggedFields();
        return new ListOffsetsResponse(throttleTimeMs, topics);
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.LIST_OFFSETS.isVersionSupported(version)) {
            throw new IllegalArgumentException("ListOffsets v" + version + " is outside the supported band");
        }
        w.writeInt32(throttleTimeMs);
        w.writeArrayLength(topics.size(), true);
        for (ListOffsetsTopicResponse topic : topics) {
            w.writeString(topic.name, true);
            w.writeArrayLength(topic.partitions.size(), true);
            for (ListOffsetsPartitionResponse p : topic.partitions) {
                w.writeInt32(p.partitionIndex).writeInt16(p.errorCode).writeInt64(p.timestamp).writeInt64(p.offset)
                        .writeInt32(p.leaderEpoch).writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_OFFSETS;
    }
}
