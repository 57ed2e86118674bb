package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * JoinGroup response, v6-v9 (all flexible). v7 adds the protocol type and lets the protocol name
 * be null; v9 adds skip_assignment.
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16 | generation_id int32 | protocol_type nullable (v7+)
 *  protocol_name string (nullable v7+) | leader string | skip_assignment bool (v9+) | member_id string
 *  members [member_id string, group_instance_id nullable, metadata bytes]
 * </pre>
 * Before v7 a null protocol name is written as the empty string, as Kafka's broker does.
 *
 * @param members the leader's view of every member and its metadata; empty for followers
 */
public record JoinGroupResponse(int throttleTimeMs, short errorCode, int generationId, String protocolType,
        String protocolName, String leader, boolean skipAssignment, String memberId, List<Member> members)
        implements ApiResponse {

    public JoinGroupResponse {
        members = List.copyOf(members);
    }

    /** One member as the leader sees it. */
    public record Member(String memberId, String groupInstanceId, byte[] metadata) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Member m && memberId.equals(m.memberId)
                    && java.util.Objects.equals(groupInstanceId, m.groupInstanceId) && Arrays.equals(metadata, m.metadata);
        }

        @Override
        public int hashCode() {
            return memberId.hashCode() * 31 + Arrays.hashCode(metadata);
        }

        @Override
        public String toString() {
            return "Member[" + memberId + ", " + groupInstanceId + ", " + metadata.length + " bytes]";
        }
    }

    /** {@code error} for {@code memberId} with generation -1 and nothing else. */
    public static JoinGroupResponse error(Errors error, String memberId) {
        return new JoinGroupResponse(0, error.code, -1, null, null, "", false, memberId, List.of());
    }

    /** Decodes a response body at {@code version}, which must lie in the JoinGroup band. */
    public static JoinGroupResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.JOIN_GROUP, version);
        int throttleTimeMs = r.readInt32();
        short errorCode = r.readInt16();
        int generationId = r.readInt32();
        String protocolType = version >= 7 ? r.readNullableString(true) : null;
        String protocolName = version >= 7 ? r.readNullableString(true) : r.readString(true);
        String leader = r.readString(true);
        boolean skipAssignment = version >= 9 && r.readBoolean();
        String memberId = r.readString(true);
        int n = r.readNonNullArrayLength(true);
        List<Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new Member(r.readString(true), r.readNullableString(true), r.readBytes(true)));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new JoinGroupResponse(throttleTimeMs, errorCode, generationId, protocolType, protocolName, leader,
                skipAssignment, memberId, members);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.JOIN_GROUP, version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeInt32(generationId);
        if (version >= 7) {
            w.writeNullableString(protocolType, true).writeNullableString(protocolName, true);
        } else {
            w.writeString(protocolName == null ? "" : protocolName, true);
        }
        w.writeString(leader, true);
        if (version >= 9) {
            w.writeBoolean(skipAssignment);
        }
        w.writeString(memberId, true).writeArrayLength(members.size(), true);
        for (Member m : members) {
            w.writeString(m.memberId, true).writeNullableString(m.groupInstanceId, true).writeBytes(m.metadata, true)
                    .writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.JOIN_GROUP;
    }
}
