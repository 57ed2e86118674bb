package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * ListGroups response, v3-v5 (all flexible). v4 adds each group's state, v5 its type.
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16
 *  groups [group_id string, protocol_type string, group_state string (v4+), group_type string (v5+)]
 * </pre>
 */
public record ListGroupsResponse(int throttleTimeMs, short errorCode, List<ListedGroup> groups)
        implements ApiResponse {

    public ListGroupsResponse {
        groups = List.copyOf(groups);
    }

    /**
     * One group.
     *
     * @param groupState v4+; empty before
     * @param groupType  v5+; empty before ("classic" for groups of the classic protocol)
     */
    public record ListedGroup(String groupId, String protocolType, String groupState, String groupType) {
    }

    /** Decodes a response body at {@code version}, which must lie in the ListGroups band. */
    public static ListGroupsResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.LIST_GROUPS, version);
        int throttleTimeMs = r.readInt32();
        short errorCode = r.readInt16();
        int n = r.readNonNullArrayLength(true);
        List<ListedGroup> groups = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String groupId = r.readString(true);
            String protocolType = r.readString(true);
            String state = version >= 4 ? r.readString(true) : "";
            String type = version >= 5 ? r.readString(true) : "";
            r.skipTaggedFields();
            groups.add(new ListedGroup(groupId, protocolType, state, type));
        }
        r.skipTaggedFields();
        return new ListGroupsResponse(throttleTimeMs, errorCode, groups);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.LIST_GROUPS, version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeArrayLength(groups.size(), true);
        for (ListedGroup g : groups) {
            w.writeString(g.groupId, true).writeString(g.protocolType, true);
            if (version >= 4) {
                w.writeString(g.groupState, true);
            }
            if (version >= 5) {
                w.writeString(g.groupType, true);
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }
}
