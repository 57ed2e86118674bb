package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * DeleteTopics request, v4-v6 (all flexible).
 *
 * <pre>
 *  v4-v5: topic_names [string]                        | timeout_ms int32
 *  v6:    topics [name nullable string, topic_id uuid] | timeout_ms int32
 * </pre>
 * v6 names each topic by name or by id (the unused one is null or the zero UUID). Both layouts
 * decode into {@link #topics}; before v6 every topic has a name and the zero UUID, and writing a
 * topic without a name at v4-v5 is a programmer error ({@link IllegalArgumentException}).
 *
 * @param topics    the topics to delete
 * @param timeoutMs how long the client waits for the deletions
 */
public record DeleteTopicsRequest(List<DeleteTopicState> topics, int timeoutMs) implements ApiRequest {

    public DeleteTopicsRequest {
        topics = List.copyOf(topics);
    }

    /**
     * A topic named by name or by id.
     *
     * @param name    null when the topic is named by id (v6+)
     * @param topicId the zero UUID when the topic is named by name
     */
    public record DeleteTopicState(String name, UUID topicId) {
        public DeleteTopicState {
            if (topicId == null) {
                throw new IllegalArgumentException("topicId is null; use the zero UUID");
            }
        }
    }

    /** Decodes a request body at {@code version}, which must lie in the DeleteTopics band. */
    public static DeleteTopicsRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        int n = r.readNonNullArrayLength(true);
        List<DeleteTopicState> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (version >= 6) {
                topics.add(new DeleteTopicState(r.readNullableString(true), r.readUuid()));
                r.skipTaggedFields();
            } else {
                topics.add(new DeleteTopicState(r.readString(true), CreateTopicsResponse.ZERO_UUID));
            }
        }
        int timeoutMs = r.readInt32();
        r.skipTaggedFields();
        return new DeleteTopicsRequest(topics, timeoutMs);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        checkVersion(version);
        w.writeArrayLength(topics.size(), true);
        for (DeleteTopicState t : topics) {
            if (version >= 6) {
                w.writeNullableString(t.name, true).writeUuid(t.topicId).writeEmptyTaggedFields();
            } else {
                w.writeString(t.name, true);
            }
        }
        w.writeInt32(timeoutMs).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPICS;
    }

    /** Every topic, as the request named it (name, id or both), fails with {@code error}. */
    @Override
    public DeleteTopicsResponse errorResponse(Errors error) {
        List<DeleteTopicsResponse.DeletableTopicResult> results = new ArrayList<>(topics.size());
        for (DeleteTopicState t : topics) {
            results.add(new DeleteTopicsResponse.DeletableTopicResult(t.name, t.topicId, error.code, null));
        }
        return new DeleteTopicsResponse(0, results);
    }

    static void checkVersion(short version) {
        if (!ApiKey.DELETE_TOPICS.isVersionSupported(version)) {
            throw new IllegalArgumentException("DeleteTopics v" + version + " is outside the supported band");
        }
    }
}
