package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * CreatePartitions response, v2-v3 (all flexible; both versions share one layout).
 *
 * <pre>
 *  throttle_time_ms int32 | results [name, error_code int16, error_message nullable]
 * </pre>
 *
 * @param throttleTimeMs how long the client should back off for quota reasons
 * @param results        one result per requested topic
 */
public record CreatePartitionsResponse(int throttleTimeMs, List<CreatePartitionsTopicResult> results)
        implements ApiResponse {

    public CreatePartitionsResponse {
        results = List.copyOf(results);
    }

    /** The outcome for one topic; {@code errorMessage} is null when there is none. */
    public record CreatePartitionsTopicResult(String name, short errorCode, String errorMessage) {
    }

    /** Decodes a response body at {@code version}, which must lie in the CreatePartitions band. */
    public static CreatePartitionsResponse read(ProtocolReader r, short version) {
        CreatePartitionsRequest.checkVersion(version);
        int throttleTimeMs = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<CreatePartitionsTopicResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new CreatePartitionsTopicResult(r.readString(true), r.readInt16(), r.readNullableString(true)));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new CreatePartitionsResponse(throttleTimeMs, results);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        CreatePartitionsRequest.checkVersion(version);
        w.writeInt32(throttleTimeMs).writeArrayLength(results.size(), true);
        for (CreatePartitionsTopicResult t : results) {
            w.writeString(t.name, true).writeInt16(t.errorCode).writeNullableString(t.errorMessage, true)
                    .writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_PARTITIONS;
    }
}
