package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * FindCoordinator response, v4-v6 (all flexible, one layout).
 *
 * <pre>
 *  throttle_time_ms int32
 *  coordinators [key string, node_id int32, host string, port int32, error_code int16, error_message nullable]
 * </pre>
 *
 * @param coordinators one entry per requested key
 */
public record FindCoordinatorResponse(int throttleTimeMs, List<Coordinator> coordinators) implements ApiResponse {

    public FindCoordinatorResponse {
        coordinators = List.copyOf(coordinators);
    }

    /**
     * The coordinator of one key.
     *
     * @param nodeId -1 on error
     * @param host   empty on error
     * @param port   -1 on error
     */
    public record Coordinator(String key, int nodeId, String host, int port, short errorCode, String errorMessage) {

        /** {@code error} for {@code key}, with no node. */
        public static Coordinator error(String key, Errors error) {
            return new Coordinator(key, -1, "", -1, error.code, null);
        }
    }

    /** Decodes a response body at {@code version}, which must lie in the FindCoordinator band. */
    public static FindCoordinatorResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.FIND_COORDINATOR, version);
        int throttleTimeMs = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<Coordinator> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Coordinator(r.readString(true), r.readInt32(), r.readString(true), r.readInt32(),
                    r.readInt16(), r.readNullableString(true)));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new FindCoordinatorResponse(throttleTimeMs, out);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.FIND_COORDINATOR, version);
        w.writeInt32(throttleTimeMs).writeArrayLength(coordinators.size(), true);
        for (Coordinator c : coordinators) {
            w.writeString(c.key, true).writeInt32(c.nodeId).writeString(c.host, true).writeInt32(c.port)
                    .writeInt16(c.errorCode).writeNullableString(c.errorMessage, true).writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FIND_COORDINATOR;
    }
}
