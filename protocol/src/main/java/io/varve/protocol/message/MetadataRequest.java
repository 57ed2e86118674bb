package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Metadata request, v9-v13 (all flexible). v10+ can ask for a topic by id (its name then null);
 * {@code IncludeClusterAuthorizedOperations} exists only up to v10 (DescribeCluster replaced it);
 * v11-v13 change only the response.
 *
 * <pre>
 *  topics compact nullable [ v10+: topic_id uuid | name compact string (nullable v10+) | tags ]
 *  allow_auto_topic_creation bool | v9-10: include_cluster_authorized_operations bool
 *  include_topic_authorized_operations bool | tags
 * </pre>
 *
 * @param topics                             the topics wanted, or null for all topics
 * @param allowAutoTopicCreation             whether the broker may create missing topics
 * @param includeClusterAuthorizedOperations v9-10: whether to report the cluster's authorized operations
 * @param includeTopicAuthorizedOperations   whether to report each topic's authorized operations
 */
public record MetadataRequest(List<MetadataRequestTopic> topics, boolean allowAutoTopicCreation,
        boolean includeClusterAuthorizedOperations, boolean includeTopicAuthorizedOperations) implements ApiRequest {

    /**
     * @param topicId v10+: the topic id, or {@link FetchRequest#NO_TOPIC_ID} when asked by name
     * @param name    the topic name; null (v10+) when asked by id
     */
    public record MetadataRequestTopic(UUID topicId, String name) {
    }

    /**
     * Decodes one MetadataRequest at {@code version}.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static MetadataRequest read(ProtocolReader r, short version) {
        if (!ApiKey.METADATA.isVersionSupported(version)) {
            throw new MalformedMessageException("Metadata v" + version + " is not supported");
        }
        List<MetadataRequestTopic> topics = null;
        int topicCount = r.readArrayLength(true);
        if (topicCount >= 0) {
            topics = new ArrayList<>(topicCount);
            for (int t = 0; t < topicCount; t++) {
                UUID topicId = version >= 10 ? r.readUuid() : FetchRequest.NO_TOPIC_ID;
                String name = version >= 10 ? r.readNullableString(true) : r.readString(true);
                r.skipTaggedFields();
                topics.add(new MetadataRequestTopic(topicId, name));
            }
        }
        boolean allowAutoTopicCreation = r.readBoolean();
        boolean includeCluster = version <= 10 && r.readBoolean();
        boolean includeTopic = r.readBoolean();
        r.skipTaggedFields();
        return new MetadataRequest(topics, allowAutoTopicCreation, includeCluster, includeTopic);
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.METADATA.isVersionSupported(version)) {
            throw new IllegalArgumentException("Metadata v" + version + " is outside the supported band");
        }
        if (topics == null) {
            w.writeArrayLength(-1, true);
        } else {
            w.writeArrayLength(topics.size(), true);
            for (MetadataRequestTopic topic : topics) {
                if (version >= 10) {
                    w.writeUuid(topic.topicId).writeNullableString(topic.name, true);
                } else {
                    w.writeString(topic.name, true);
                }
                w.writeEmptyTaggedFields();
            }
        }
        w.writeBoolean(allowAutoTopicCreation);
        if (version <= 10) {
            w.writeBoolean(includeClusterAuthorizedOperations);
        }
        w.writeBoolean(includeTopicAuthorizedOperations).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.METADATA;
    }

    /**
     * Reports {@code error} for every topic named (by name or id) and, from v13, at the top level;
     * no brokers, no partitions. A request for all topics gets the top-level error only.
     */
    @Override
    public MetadataResponse errorResponse(Errors error) {
        List<MetadataResponse.MetadataResponseTopic> responses = new ArrayList<>();
        if (topics != null) {
            for (MetadataRequestTopic topic : topics) {
                responses.add(new MetadataResponse.MetadataResponseTopic(error.code, topic.name, topic.topicId, false,
                        List.of(), MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
            }
        }
        return new MetadataResponse(0, List.of(), null, -1, responses, MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED,
                error.code);
    }
}
