package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * OffsetFetch request, v8-v9 (all flexible, batched by group). v9 adds member id and epoch (used
 * only by the consumer protocol of KIP-848). v10 names topics by id and is not served.
 *
 * <pre>
 *  groups [group_id string, member_id nullable (v9+), member_epoch int32 (v9+),
 *          topics nullable [name string, partition_indexes [int32]]]
 *  require_stable bool
 * </pre>
 *
 * @param requireStable wait for pending transactional offsets (Varve has none, so it changes nothing)
 */
public record OffsetFetchRequest(List<Group> groups, boolean requireStable) implements ApiRequest {

    public OffsetFetchRequest {
        groups = List.copyOf(groups);
    }

    /**
     * One group's question.
     *
     * @param memberId    v9+, null before
     * @param memberEpoch v9+, -1 before
     * @param topics      null for every partition the group has committed
     */
    public record Group(String groupId, String memberId, int memberEpoch, List<Topic> topics) {
        public Group {
            topics = topics == null ? null : List.copyOf(topics);
        }
    }

    /** The partitions asked about in one topic. */
    public record Topic(String name, List<Integer> partitionIndexes) {
        public Topic {
            partitionIndexes = List.copyOf(partitionIndexes);
        }
    }

    /** Decodes a request body at {@code version}, which must lie in the OffsetFetch band. */
    public static OffsetFetchRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_FETCH, version);
        int ng = r.readNonNullArrayLength(true);
        List<Group> groups = new ArrayList<>(ng);
        for (int i = 0; i < ng; i++) {
            String groupId = r.readString(true);
            String memberId = version >= 9 ? r.readNullableString(true) : null;
            int memberEpoch = version >= 9 ? r.readInt32() : -1;
            int nt = r.readArrayLength(true);
            List<Topic> topics = null;
            if (nt >= 0) {
                topics = new ArrayList<>(nt);
                for (int j = 0; j < nt; j++) {
                    String name = r.readString(true);
                    int np = r.readNonNullArrayLength(true);
                    List<Integer> partitions = new ArrayList<>(np);
                    for (int k = 0; k < np; k++) {
                        partitions.add(r.readInt32());
                    }
                    r.skipTaggedFields();
                    topics.add(new Topic(name, partitions));
                }
            }
            r.skipTaggedFields();
            groups.add(new Group(groupId, memberId, memberEpoch, topics));
        }
        boolean requireStable = r.readBoolean();
        r.skipTaggedFields();
        return new OffsetFetchRequest(groups, requireStable);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_FETCH, version);
        w.writeArrayLength(groups.size(), true);
        for (Group g : groups) {
            w.writeString(g.groupId, true);
            if (version >= 9) {
                w.writeNullableString(g.memberId, true).writeInt32(g.memberEpoch);
            }
            if (g.topics == null) {
                w.writeArrayLength(-1, true);
            } else {
                w.writeArrayLength(g.topics.size(), true);
                for (Topic t : g.topics) {
                    w.writeString(t.name, true).writeArrayLength(t.partitionIndexes.size(), true);
                    for (int p : t.partitionIndexes) {
                        w.writeInt32(p);
                    }
                    w.writeEmptyTaggedFields();
                }
            }
            w.writeEmptyTaggedFields();
        }
        w.writeBoolean(requireStable).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FETCH;
    }

    /** Every group fails with {@code error} at the group level, with no partitions. */
    @Override
    public OffsetFetchResponse errorResponse(Errors error) {
        List<OffsetFetchResponse.Group> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            out.add(new OffsetFetchResponse.Group(g.groupId, List.of(), error.code));
        }
        return new OffsetFetchResponse(0, out);
    }
}
