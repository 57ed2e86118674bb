package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * LeaveGroup response, v4-v5 (all flexible, one layout).
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16 | members [member_id string, group_instance_id nullable, error_code int16]
 * </pre>
 */
public record LeaveGroupResponse(int throttleTimeMs, short errorCode, List<MemberResponse> members)
        implements ApiResponse {

    public LeaveGroupResponse {
        members = List.copyOf(members);
    }

    /** The outcome for one leaving member. */
    public record MemberResponse(String memberId, String groupInstanceId, short errorCode) {
    }

    /** Decodes a response body at {@code version}, which must lie in the LeaveGroup band. */
    public static LeaveGroupResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.LEAVE_GROUP, version);
        int throttleTimeMs = r.readInt32();
        short errorCode = r.readInt16();
        int n = r.readNonNullArrayLength(true);
        List<MemberResponse> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new MemberResponse(r.readString(true), r.readNullableString(true), r.readInt16()));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new LeaveGroupResponse(throttleTimeMs, errorCode, members);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.LEAVE_GROUP, version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeArrayLength(members.size(), true);
        for (MemberResponse m : members) {
            w.writeString(m.memberId, true).writeNullableString(m.groupInstanceId, true).writeInt16(m.errorCode)
                    .writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }
}
