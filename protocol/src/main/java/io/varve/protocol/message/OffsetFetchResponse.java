package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * OffsetFetch response, v8-v9 (all flexible, one layout).
 *
 * <pre>
 *  throttle_time_ms int32
 *  groups [group_id string,
 *          topics [name string, partitions [partition_index int32, committed_offset int64,
 *                  committed_leader_epoch int32, metadata nullable, error_code int16]],
 *          error_code int16]
 * </pre>
 */
public record OffsetFetchResponse(int throttleTimeMs, List<Group> groups) implements ApiResponse {

    public OffsetFetchResponse {
        groups = List.copyOf(groups);
    }

    /** One group's committed offsets, or its error. */
    public record Group(String groupId, List<Topic> topics, short errorCode) {
        public Group {
            topics = List.copyOf(topics);
        }
    }

    /** One topic's partitions. */
    public record Topic(String name, List<Partition> partitions) {
        public Topic {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * One partition's committed offset: -1 (and null metadata) when nothing was committed.
     *
     * @param committedLeaderEpoch -1 when unknown
     */
    public record Partition(int partitionIndex, long committedOffset, int committedLeaderEpoch, String metadata,
            short errorCode) {
    }

    /** Decodes a response body at {@code version}, which must lie in the OffsetFetch band. */
    public static OffsetFetchResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_FETCH, version);
        int throttleTimeMs = r.readInt32();
        int ng = r.readNonNullArrayLength(true);
        List<Group> groups = new ArrayList<>(ng);
        for (int i = 0; i < ng; i++) {
            String groupId = r.readString(true);
            int nt = r.readNonNullArrayLength(true);
            List<Topic> topics = new ArrayList<>(nt);
            for (int j = 0; j < nt; j++) {
                String name = r.readString(true);
                int np = r.readNonNullArrayLength(true);
                List<Partition> partitions = new ArrayList<>(np);
                for (int k = 0; k < np; k++) {
                    partitions.add(new Partition(r.readInt32(), r.readInt64(), r.readInt32(),
                            r.readNullableString(true), r.readInt16()));
                    r.skipTaggedFields();
                }
                r.skipTaggedFields();
                topics.add(new Topic(name, partitions));
            }
            short errorCode = r.readInt16();
            r.skipTaggedFields();
            groups.add(new Group(groupId, topics, errorCode));
        }
        r.skipTaggedFields();
        return new OffsetFetchResponse(throttleTimeMs, groups);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_FETCH, version);
        w.writeInt32(throttleTimeMs).writeArrayLength(groups.size(), true);
        for (Group g : groups) {
            w.writeString(g.groupId, true).writeArrayLength(g.topics.size(), true);
            for (Topic t : g.topics) {
                w.writeString(t.name, true).writeArrayLength(t.partitions.size(), true);
                for (Partition p : t.partitions) {
                    w.writeInt32(p.partitionIndex).writeInt64(p.committedOffset).writeInt32(p.committedLeaderEpoch)
                            .writeNullableString(p.metadata, true).writeInt16(p.errorCode).writeEmptyTaggedFields();
                }
                w.writeEmptyTaggedFields();
            }
            w.writeInt16(g.errorCode).writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FETCH;
    }
}
