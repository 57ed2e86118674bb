package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * LeaveGroup request, v4-v5 (all flexible, batched). v5 adds a reason per member.
 *
 * <pre>
 *  group_id string | members [member_id string, group_instance_id nullable, reason nullable (v5+)]
 * </pre>
 */
public record LeaveGroupRequest(String groupId, List<MemberIdentity> members) implements ApiRequest {

    public LeaveGroupRequest {
        members = List.copyOf(members);
    }

    /**
     * A member that leaves, by member id or (static members) by instance id.
     *
     * @param reason v5+; null before
     */
    public record MemberIdentity(String memberId, String groupInstanceId, String reason) {
    }

    /** Decodes a request body at {@code version}, which must lie in the LeaveGroup band. */
    public static LeaveGroupRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.LEAVE_GROUP, version);
        String groupId = r.readString(true);
        int n = r.readNonNullArrayLength(true);
        List<MemberIdentity> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String memberId = r.readString(true);
            String instanceId = r.readNullableString(true);
            String reason = version >= 5 ? r.readNullableString(true) : null;
            r.skipTaggedFields();
            members.add(new MemberIdentity(memberId, instanceId, reason));
        }
        r.skipTaggedFields();
        return new LeaveGroupRequest(groupId, members);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.LEAVE_GROUP, version);
        w.writeString(groupId, true).writeArrayLength(members.size(), true);
        for (MemberIdentity m : members) {
            w.writeString(m.memberId, true).writeNullableString(m.groupInstanceId, true);
            if (version >= 5) {
                w.writeNullableString(m.reason, true);
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }

    /** {@code error} at the top level and no member results. */
    @Override
    public LeaveGroupResponse errorResponse(Errors error) {
        return new LeaveGroupResponse(0, error.code, List.of());
    }
}
