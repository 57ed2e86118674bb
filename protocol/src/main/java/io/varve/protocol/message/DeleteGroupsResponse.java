package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * DeleteGroups response, v2 (flexible).
 *
 * <pre>
 *  throttle_time_ms int32 | results [group_id string, error_code int16]
 * </pre>
 */
public record DeleteGroupsResponse(int throttleTimeMs, List<Result> results) implements ApiResponse {

    public DeleteGroupsResponse {
        results = List.copyOf(results);
    }

    /** The outcome for one group. */
    public record Result(String groupId, short errorCode) {
    }

    /** Decodes a response body at {@code version}, which must lie in the DeleteGroups band. */
    public static DeleteGroupsResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.DELETE_GROUPS, version);
        int throttleTimeMs = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<Result> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new Result(r.readString(true), r.readInt16()));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new DeleteGroupsResponse(throttleTimeMs, results);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.DELETE_GROUPS, version);
        w.writeInt32(throttleTimeMs).writeArrayLength(results.size(), true);
        for (Result res : results) {
            w.writeString(res.groupId, true).writeInt16(res.errorCode).writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_GROUPS;
    }
}
