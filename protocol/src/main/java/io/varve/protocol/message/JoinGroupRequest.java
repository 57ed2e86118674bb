package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * JoinGroup request, v6-v9 (all flexible). v8 adds the reason; v7 and v9 change only the response.
 *
 * <pre>
 *  group_id string | session_timeout_ms int32 | rebalance_timeout_ms int32 | member_id string
 *  group_instance_id nullable | protocol_type string | protocols [name string, metadata bytes]
 *  reason nullable (v8+)
 * </pre>
 *
 * @param memberId        empty on the first join; the broker answers MEMBER_ID_REQUIRED with one
 * @param groupInstanceId null for a dynamic member, else the static member's id
 * @param protocols       the assignors this member supports, in preference order
 * @param reason          v8+; null when none was given (always null before v8)
 */
public record JoinGroupRequest(String groupId, int sessionTimeoutMs, int rebalanceTimeoutMs, String memberId,
        String groupInstanceId, String protocolType, List<Protocol> protocols, String reason) implements ApiRequest {

    public JoinGroupRequest {
        protocols = List.copyOf(protocols);
    }

    /** One supported protocol (assignor) and this member's metadata for it (subscription). */
    public record Protocol(String name, byte[] metadata) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Protocol p && name.equals(p.name) && java.util.Arrays.equals(metadata, p.metadata);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + java.util.Arrays.hashCode(metadata);
        }

        @Override
        public String toString() {
            return "Protocol[" + name + ", " + metadata.length + " bytes]";
        }
    }

    /** Decodes a request body at {@code version}, which must lie in the JoinGroup band. */
    public static JoinGroupRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.JOIN_GROUP, version);
        String groupId = r.readString(true);
        int sessionTimeoutMs = r.readInt32();
        int rebalanceTimeoutMs = r.readInt32();
        String memberId = r.readString(true);
        String groupInstanceId = r.readNullableString(true);
        String protocolType = r.readString(true);
        int n = r.readNonNullArrayLength(true);
        List<Protocol> protocols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            protocols.add(new Protocol(r.readString(true), r.readBytes(true)));
            r.skipTaggedFields();
        }
        String reason = version >= 8 ? r.readNullableString(true) : null;
        r.skipTaggedFields();
        return new JoinGroupRequest(groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId,
                protocolType, protocols, reason);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.JOIN_GROUP, version);
        w.writeString(groupId, true).writeInt32(sessionTimeoutMs).writeInt32(rebalanceTimeoutMs)
                .writeString(memberId, true).writeNullableString(groupInstanceId, true)
                .writeString(protocolType, true).writeArrayLength(protocols.size(), true);
        for (Protocol p : protocols) {
            w.writeString(p.name, true).writeBytes(p.metadata, true).writeEmptyTaggedFields();
        }
        if (version >= 8) {
            w.writeNullableString(reason, true);
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.JOIN_GROUP;
    }

    /** {@code error} with generation -1, no protocol, no leader and no members. */
    @Override
    public JoinGroupResponse errorResponse(Errors error) {
        return JoinGroupResponse.error(error, memberId);
    }
}
