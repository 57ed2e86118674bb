package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * Heartbeat response, v4 (flexible).
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16
 * </pre>
 */
public record HeartbeatResponse(int throttleTimeMs, short errorCode) implements ApiResponse {

    /** Decodes a response body at {@code version}, which must lie in the Heartbeat band. */
    public static HeartbeatResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.HEARTBEAT, version);
        HeartbeatResponse response = new HeartbeatResponse(r.readInt32(), r.readInt16());
        r.skipTaggedFields();
        return response;
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.HEARTBEAT, version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }
}
