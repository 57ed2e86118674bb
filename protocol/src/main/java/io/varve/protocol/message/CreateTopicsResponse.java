package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * CreateTopics response, v5-v7 (all flexible). v7 adds the topic id.
 *
 * <pre>
 *  throttle_time_ms int32
 *  topics [name, topic_id uuid (v7+), error_code int16, error_message nullable,
 *          num_partitions int32, replication_factor int16,
 *          configs nullable [name, value nullable, read_only bool, config_source int8, is_sensitive bool],
 *          tag 0: topic_config_error_code int16 (written only when non-zero)]
 * </pre>
 *
 * @param throttleTimeMs how long the client should back off for quota reasons
 * @param topics         one result per requested topic
 */
public record CreateTopicsResponse(int throttleTimeMs, List<CreatableTopicResult> topics) implements ApiResponse {

    public CreateTopicsResponse {
        topics = List.copyOf(topics);
    }

    /**
     * The outcome for one topic.
     *
     * @param topicId              v7+; the zero UUID {@code new UUID(0, 0)} before v7 or when unknown
     * @param errorMessage         null when there is no message
     * @param topicConfigErrorCode tagged field 0: why {@code configs} is missing, 0 when it is not
     * @param numPartitions        -1 when unknown
     * @param replicationFactor    -1 when unknown
     * @param configs              the topic's configs, or null when not returned
     */
    public record CreatableTopicResult(String name, UUID topicId, short errorCode, String errorMessage,
            short topicConfigErrorCode, int numPartitions, short replicationFactor, List<CreatableTopicConfigs> configs) {

        public CreatableTopicResult {
            configs = configs == null ? null : List.copyOf(configs);
        }

        /** A topic that failed with {@code error}, with everything else at its "unknown" value. */
        public static CreatableTopicResult failed(String name, Errors error) {
            return new CreatableTopicResult(name, ZERO_UUID, error.code, null, (short) 0, -1, (short) -1, List.of());
        }
    }

    /**
     * One config of a created topic.
     *
     * @param configSource Kafka's ConfigSource id, -1 when unknown
     */
    public record CreatableTopicConfigs(String name, String value, boolean readOnly, byte configSource,
            boolean isSensitive) {
    }

    /** Kafka's {@code Uuid.ZERO_UUID}: no topic id. */
    public static final UUID ZERO_UUID = new UUID(0L, 0L);

    private static final int TAG_TOPIC_CONFIG_ERROR_CODE = 0;

    /** Decodes a response body at {@code version}, which must lie in the CreateTopics band. */
    public static CreateTopicsResponse read(ProtocolReader r, short version) {
        CreateTopicsRequest.checkVersion(version);
        int throttleTimeMs = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<CreatableTopicResult> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(readTopic(r, version));
        }
        r.skipTaggedFields();
        return new CreateTopicsResponse(throttleTimeMs, topics);
    }

    private static CreatableTopicResult readTopic(ProtocolReader r, short version) {
        String name = r.readString(true);
        UUID topicId = version >= 7 ? r.readUuid() : ZERO_UUID;
        short errorCode = r.readInt16();
        String errorMessage = r.readNullableString(true);
        int numPartitions = r.readInt32();
        short replicationFactor = r.readInt16();
        int n = r.readArrayLength(true);
        List<CreatableTopicConfigs> configs = null;
        if (n >= 0) {
            configs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                configs.add(new CreatableTopicConfigs(r.readString(true), r.readNullableString(true), r.readBoolean(),
                        r.readInt8(), r.readBoolean()));
                r.skipTaggedFields();
            }
        }
        short[] configErrorCode = {0};
        r.readTaggedFields((tag, in) -> {
            if (tag != TAG_TOPIC_CONFIG_ERROR_CODE) {
                return false;
            }
            configErrorCode[0] = in.readInt16();
            return true;
        });
        return new CreatableTopicResult(name, topicId, errorCode, errorMessage, configErrorCode[0], numPartitions,
                replicationFactor, configs);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        CreateTopicsRequest.checkVersion(version);
        w.writeInt32(throttleTimeMs).writeArrayLength(topics.size(), true);
        for (CreatableTopicResult t : topics) {
            w.writeString(t.name, true);
            if (version >= 7) {
                w.writeUuid(t.topicId);
            }
            w.writeInt16(t.errorCode).writeNullableString(t.errorMessage, true)
                    .writeInt32(t.numPartitions).writeInt16(t.replicationFactor);
            if (t.configs == null) {
                w.writeArrayLength(-1, true);
            } else {
                w.writeArrayLength(t.configs.size(), true);
                for (CreatableTopicConfigs c : t.configs) {
                    w.writeString(c.name, true).writeNullableString(c.value, true).writeBoolean(c.readOnly)
                            .writeInt8(c.configSource).writeBoolean(c.isSensitive).writeEmptyTaggedFields();
                }
            }
            if (t.topicConfigErrorCode != 0) {
                w.writeUnsignedVarint(1).writeTaggedField(TAG_TOPIC_CONFIG_ERROR_CODE,
                        tw -> tw.writeInt16(t.topicConfigErrorCode));
            } else {
                w.writeEmptyTaggedFields();
            }
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPICS;
    }
}
