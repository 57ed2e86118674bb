package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SyncGroup request, v4-v5 (all flexible). v5 adds the protocol type and name.
 *
 * <pre>
 *  group_id string | generation_id int32 | member_id string | group_instance_id nullable
 *  protocol_type nullable (v5+) | protocol_name nullable (v5+) | assignments [member_id string, assignment bytes]
 * </pre>
 *
 * @param assignments the leader's assignment of every member; empty from followers
 */
public record SyncGroupRequest(String groupId, int generationId, String memberId, String groupInstanceId,
        String protocolType, String protocolName, List<Assignment> assignments) implements ApiRequest {

    public SyncGroupRequest {
        assignments = List.copyOf(assignments);
    }

    /** The assignment the leader computed for one member. */
    public record Assignment(String memberId, byte[] assignment) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Assignment a && memberId.equals(a.memberId) && Arrays.equals(assignment, a.assignment);
        }

        @Override
        public int hashCode() {
            return memberId.hashCode() * 31 + Arrays.hashCode(assignment);
        }

        @Override
        public String toString() {
            return "Assignment[" + memberId + ", " + assignment.length + " bytes]";
        }
    }

    /** Decodes a request body at {@code version}, which must lie in the SyncGroup band. */
    public static SyncGroupRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.SYNC_GROUP, version);
        String groupId = r.readString(true);
        int generationId = r.readInt32();
        String memberId = r.readString(true);
        String groupInstanceId = r.readNullableString(true);
        String protocolType = version >= 5 ? r.readNullableString(true) : null;
        String protocolName = version >= 5 ? r.readNullableString(true) : null;
        int n = r.readNonNullArrayLength(true);
        List<Assignment> assignments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            assignments.add(new Assignment(r.readString(true), r.readBytes(true)));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new SyncGroupRequest(groupId, generationId, memberId, groupInstanceId, protocolType, protocolName,
                assignments);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.SYNC_GROUP, version);
        w.writeString(groupId, true).writeInt32(generationId).writeString(memberId, true)
                .writeNullableString(groupInstanceId, true);
        if (version >= 5) {
            w.writeNullableString(protocolType, true).writeNullableString(protocolName, true);
        }
        w.writeArrayLength(assignments.size(), true);
        for (Assignment a : assignments) {
            w.writeString(a.memberId, true).writeBytes(a.assignment, true).writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SYNC_GROUP;
    }

    /** {@code error} with an empty assignment. */
    @Override
    public SyncGroupResponse errorResponse(Errors error) {
        return SyncGroupResponse.error(error);
    }
}
