package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * Heartbeat request, v4 (flexible).
 *
 * <pre>
 *  group_id string | generation_id int32 | member_id string | group_instance_id nullable
 * </pre>
 */
public record HeartbeatRequest(String groupId, int generationId, String memberId, String groupInstanceId)
        implements ApiRequest {

    /** Decodes a request body at {@code version}, which must lie in the Heartbeat band. */
    public static HeartbeatRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.HEARTBEAT, version);
        HeartbeatRequest request = new HeartbeatRequest(r.readString(true), r.readInt32(), r.readString(true),
                r.readNullableString(true));
        r.skipTaggedFields();
        return request;
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.HEARTBEAT, version);
        w.writeString(groupId, true).writeInt32(generationId).writeString(memberId, true)
                .writeNullableString(groupInstanceId, true).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }

    @Override
    public HeartbeatResponse errorResponse(Errors error) {
        return new HeartbeatResponse(0, error.code);
    }
}
