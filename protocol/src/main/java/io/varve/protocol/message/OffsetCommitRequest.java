package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * OffsetCommit request, v8-v9 (all flexible, one layout; v9 changes only semantics). v10 names
 * topics by id and is not served.
 *
 * <pre>
 *  group_id string | generation_id_or_member_epoch int32 | member_id string | group_instance_id nullable
 *  topics [name string, partitions [partition_index int32, committed_offset int64,
 *          committed_leader_epoch int32, committed_metadata nullable]]
 * </pre>
 *
 * @param generationId -1 for a simple commit outside any generation (standalone consumer or empty group)
 */
public record OffsetCommitRequest(String groupId, int generationId, String memberId, String groupInstanceId,
        List<Topic> topics) implements ApiRequest {

    public OffsetCommitRequest {
        topics = List.copyOf(topics);
    }

    /** The offsets committed for one topic. */
    public record Topic(String name, List<Partition> partitions) {
        public Topic {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * One partition's committed offset.
     *
     * @param committedLeaderEpoch -1 when unknown
     * @param committedMetadata    null allowed
     */
    public record Partition(int partitionIndex, long committedOffset, int committedLeaderEpoch,
            String committedMetadata) {
    }

    /** Decodes a request body at {@code version}, which must lie in the OffsetCommit band. */
    public static OffsetCommitRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_COMMIT, version);
        String groupId = r.readString(true);
        int generationId = r.readInt32();
        String memberId = r.readString(true);
        String groupInstanceId = r.readNullableString(true);
        int nt = r.readNonNullArrayLength(true);
        List<Topic> topics = new ArrayList<>(nt);
        for (int i = 0; i < nt; i++) {
            String name = r.readString(true);
            int np = r.readNonNullArrayLength(true);
            List<Partition> partitions = new ArrayList<>(np);
            for (int j = 0; j < np; j++) {
                partitions.add(new Partition(r.readInt32(), r.readInt64(), r.readInt32(), r.readNullableString(true)));
                r.skipTaggedFields();
            }
            r.skipTaggedFields();
            topics.add(new Topic(name, partitions));
        }
        r.skipTaggedFields();
        return new OffsetCommitRequest(groupId, generationId, memberId, groupInstanceId, topics);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_COMMIT, version);
        w.writeString(groupId, true).writeInt32(generationId).writeString(memberId, true)
                .writeNullableString(groupInstanceId, true).writeArrayLength(topics.size(), true);
        for (Topic t : topics) {
            w.writeString(t.name, true).writeArrayLength(t.partitions.size(), true);
            for (Partition p : t.partitions) {
                w.writeInt32(p.partitionIndex).writeInt64(p.committedOffset).writeInt32(p.committedLeaderEpoch)
                        .writeNullableString(p.committedMetadata, true).writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_COMMIT;
    }

    /** Every partition named fails with {@code error}. */
    @Override
    public OffsetCommitResponse errorResponse(Errors error) {
        List<OffsetCommitResponse.Topic> out = new ArrayList<>(topics.size());
        for (Topic t : topics) {
            List<OffsetCommitResponse.Partition> ps = new ArrayList<>(t.partitions.size());
            for (Partition p : t.partitions) {
                ps.add(new OffsetCommitResponse.Partition(p.partitionIndex, error.code));
            }
            out.add(new OffsetCommitResponse.Topic(t.name, ps));
        }
        return new OffsetCommitResponse(0, out);
    }
}
