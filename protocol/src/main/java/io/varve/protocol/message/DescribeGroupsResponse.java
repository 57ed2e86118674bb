package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * DescribeGroups response, v5-v6 (all flexible). v6 adds an error message per group.
 *
 * <pre>
 *  throttle_time_ms int32
 *  groups [error_code int16, error_message nullable (v6+), group_id string, group_state string,
 *          protocol_type string, protocol_data string,
 *          members [member_id string, group_instance_id nullable, client_id string, client_host string,
 *                   member_metadata bytes, member_assignment bytes],
 *          authorized_operations int32]
 * </pre>
 */
public record DescribeGroupsResponse(int throttleTimeMs, List<DescribedGroup> groups) implements ApiResponse {

    /** Kafka's "not requested" value of authorized_operations. */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    public DescribeGroupsResponse {
        groups = List.copyOf(groups);
    }

    /**
     * One group.
     *
     * @param errorMessage v6+; null before
     * @param protocolData the selected protocol (assignor) name, empty while none is chosen
     */
    public record DescribedGroup(short errorCode, String errorMessage, String groupId, String groupState,
            String protocolType, String protocolData, List<Member> members, int authorizedOperations) {
        public DescribedGroup {
            members = List.copyOf(members);
        }

        /** {@code error} for {@code groupId}, with no state and no members. */
        public static DescribedGroup error(String groupId, Errors error) {
            return new DescribedGroup(error.code, null, groupId, "", "", "", List.of(), AUTHORIZED_OPERATIONS_OMITTED);
        }
    }

    /** One member with its subscription metadata and assignment. */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
            byte[] memberMetadata, byte[] memberAssignment) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Member m && memberId.equals(m.memberId)
                    && Objects.equals(groupInstanceId, m.groupInstanceId) && clientId.equals(m.clientId)
                    && clientHost.equals(m.clientHost) && Arrays.equals(memberMetadata, m.memberMetadata)
                    && Arrays.equals(memberAssignment, m.memberAssignment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(memberId, groupInstanceId, clientId, clientHost);
        }

        @Override
        public String toString() {
            return "Member[" + memberId + ", " + groupInstanceId + ", " + clientId + ", " + clientHost + "]";
        }
    }

    /** Decodes a response body at {@code version}, which must lie in the DescribeGroups band. */
    public static DescribeGroupsResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.DESCRIBE_GROUPS, version);
        int throttleTimeMs = r.readInt32();
        int ng = r.readNonNullArrayLength(true);
        List<DescribedGroup> groups = new ArrayList<>(ng);
        for (int i = 0; i < ng; i++) {
            short errorCode = r.readInt16();
            String errorMessage = version >= 6 ? r.readNullableString(true) : null;
            String groupId = r.readString(true);
            String state = r.readString(true);
            String protocolType = r.readString(true);
            String protocolData = r.readString(true);
            int nm = r.readNonNullArrayLength(true);
            List<Member> members = new ArrayList<>(nm);
            for (int j = 0; j < nm; j++) {
                members.add(new Member(r.readString(true), r.readNullableString(true), r.readString(true),
                        r.readString(true), r.readBytes(true), r.readBytes(true)));
                r.skipTaggedFields();
            }
            int ops = r.readInt32();
            r.skipTaggedFields();
            groups.add(new DescribedGroup(errorCode, errorMessage, groupId, state, protocolType, protocolData, members,
                    ops));
        }
        r.skipTaggedFields();
        return new DescribeGroupsResponse(throttleTimeMs, groups);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.DESCRIBE_GROUPS, version);
        w.writeInt32(throttleTimeMs).writeArrayLength(groups.size(), true);
        for (DescribedGroup g : groups) {
            w.writeInt16(g.errorCode);
            if (version >= 6) {
                w.writeNullableString(g.errorMessage, true);
            }
            w.writeString(g.groupId, true).writeString(g.groupState, true).writeString(g.protocolType, true)
                    .writeString(g.protocolData, true).writeArrayLength(g.members.size(), true);
            for (Member m : g.members) {
                w.writeString(m.memberId, true).writeNullableString(m.groupInstanceId, true)
                        .writeString(m.clientId, true).writeString(m.clientHost, true)
                        .writeBytes(m.memberMetadata, true).writeBytes(m.memberAssignment, true)
                        .writeEmptyTaggedFields();
            }
            w.writeInt32(g.authorizedOperations).writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_GROUPS;
    }
}
