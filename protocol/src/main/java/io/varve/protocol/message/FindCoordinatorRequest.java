package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * FindCoordinator request, v4-v6 (all flexible, batched, one layout; v5-v6 change only semantics).
 *
 * <pre>
 *  key_type int8 | coordinator_keys [string]
 * </pre>
 *
 * @param keyType         0 for a consumer group, 1 for a transactional id, 2 for a share group
 * @param coordinatorKeys the group ids (or transactional ids) to find coordinators for
 */
public record FindCoordinatorRequest(byte keyType, List<String> coordinatorKeys) implements ApiRequest {

    /** {@link #keyType} of a consumer group. */
    public static final byte KEY_TYPE_GROUP = 0;

    public FindCoordinatorRequest {
        coordinatorKeys = List.copyOf(coordinatorKeys);
    }

    /** Decodes a request body at {@code version}, which must lie in the FindCoordinator band. */
    public static FindCoordinatorRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.FIND_COORDINATOR, version);
        byte keyType = r.readInt8();
        List<String> keys = StringArrays.read(r);
        r.skipTaggedFields();
        return new FindCoordinatorRequest(keyType, keys);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.FIND_COORDINATOR, version);
        w.writeInt8(keyType);
        StringArrays.write(w, coordinatorKeys);
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FIND_COORDINATOR;
    }

    /** Every key fails with {@code error} and no node (-1, empty host, port -1). */
    @Override
    public FindCoordinatorResponse errorResponse(Errors error) {
        List<FindCoordinatorResponse.Coordinator> out = new ArrayList<>(coordinatorKeys.size());
        for (String key : coordinatorKeys) {
            out.add(FindCoordinatorResponse.Coordinator.error(key, error));
        }
        return new FindCoordinatorResponse(0, out);
    }
}
