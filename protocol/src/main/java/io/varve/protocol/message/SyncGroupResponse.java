package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * SyncGroup response, v4-v5 (all flexible). v5 adds the protocol type and name.
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16 | protocol_type nullable (v5+) | protocol_name nullable (v5+)
 *  assignment bytes
 * </pre>
 *
 * @param assignment this member's assignment, empty on error
 */
public record SyncGroupResponse(int throttleTimeMs, short errorCode, String protocolType, String protocolName,
        byte[] assignment) implements ApiResponse {

    /** {@code error} with an empty assignment. */
    public static SyncGroupResponse error(Errors error) {
        return new SyncGroupResponse(0, error.code, null, null, new byte[0]);
    }

    /** Decodes a response body at {@code version}, which must lie in the SyncGroup band. */
    public static SyncGroupResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.SYNC_GROUP, version);
        int throttleTimeMs = r.readInt32();
        short errorCode = r.readInt16();
        String protocolType = version >= 5 ? r.readNullableString(true) : null;
        String protocolName = version >= 5 ? r.readNullableString(true) : null;
        byte[] assignment = r.readBytes(true);
        r.skipTaggedFields();
        return new SyncGroupResponse(throttleTimeMs, errorCode, protocolType, protocolName, assignment);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.SYNC_GROUP, version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode);
        if (version >= 5) {
            w.writeNullableString(protocolType, true).writeNullableString(protocolName, true);
        }
        w.writeBytes(assignment, true).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SYNC_GROUP;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncGroupResponse s && throttleTimeMs == s.throttleTimeMs && errorCode == s.errorCode
                && Objects.equals(protocolType, s.protocolType) && Objects.equals(protocolName, s.protocolName)
                && Arrays.equals(assignment, s.assignment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(throttleTimeMs, errorCode, protocolType, protocolName) * 31 + Arrays.hashCode(assignment);
    }

    @Override
    public String toString() {
        return "SyncGroupResponse[error=" + errorCode + ", protocol=" + protocolName + ", assignment="
                + assignment.length + " bytes]";
    }
}
