package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * DeleteTopics response, v4-v6 (all flexible). v5 adds the error message, v6 the topic id (and
 * lets the name be null for a topic named only by id).
 *
 * <pre>
 *  throttle_time_ms int32
 *  responses [name string (nullable v6+), topic_id uuid (v6+), error_code int16, error_message nullable (v5+)]
 * </pre>
 *
 * @param throttleTimeMs how long the client should back off for quota reasons
 * @param responses      one result per requested topic
 */
public record DeleteTopicsResponse(int throttleTimeMs, List<DeletableTopicResult> responses) implements ApiResponse {

    public DeleteTopicsResponse {
        responses = List.copyOf(responses);
    }

    /**
     * The outcome for one topic.
     *
     * @param name         null only at v6+, for a topic named by id that does not exist
     * @param topicId      v6+; the zero UUID otherwise
     * @param errorMessage v5+; null when there is no message
     */
    public record DeletableTopicResult(String name, UUID topicId, short errorCode, String errorMessage) {
        public DeletableTopicResult {
            if (topicId == null) {
                throw new IllegalArgumentException("topicId is null; use the zero UUID");
            }
        }
    }

    /** Decodes a response body at {@code version}, which must lie in the DeleteTopics band. */
    public static DeleteTopicsResponse read(ProtocolReader r, short version) {
        DeleteTopicsRequest.checkVersion(version);
        int throttleTimeMs = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<DeletableTopicResult> responses = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = version >= 6 ? r.readNullableString(true) : r.readString(true);
            UUID topicId = version >= 6 ? r.readUuid() : CreateTopicsResponse.ZERO_UUID;
            short errorCode = r.readInt16();
            String errorMessage = version >= 5 ? r.readNullableString(true) : null;
            r.skipTaggedFields();
            responses.add(new DeletableTopicResult(name, topicId, errorCode, errorMessage));
        }
        r.skipTaggedFields();
        return new DeleteTopicsResponse(throttleTimeMs, responses);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        DeleteTopicsRequest.checkVersion(version);
        w.writeInt32(throttleTimeMs).writeArrayLength(responses.size(), true);
        for (DeletableTopicResult t : responses) {
            if (version >= 6) {
                w.writeNullableString(t.name, true).writeUuid(t.topicId);
            } else {
                w.writeString(t.name, true);
            }
            w.writeInt16(t.errorCode);
            if (version >= 5) {
                w.writeNullableString(t.errorMessage, true);
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPICS;
    }
}
