package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Metadata response, v9-v13 (all flexible). v10+ adds topic ids; v9-10 carry the cluster's
 * authorized operations; v12+ allows a null topic name (a topic asked for by an unknown id);
 * v13 adds a top-level error code.
 *
 * <pre>
 *  throttle_time_ms int32
 *  brokers [ node_id int32 | host compact string | port int32 | rack compact nullable string | tags ]
 *  cluster_id compact nullable string | controller_id int32
 *  topics [ error_code int16 | name compact string (nullable v12+) | v10+: topic_id uuid | is_internal bool
 *           | partitions [ error_code int16 | partition_index int32 | leader_id int32 | leader_epoch int32
 *                          | replica_nodes []int32 | isr_nodes []int32 | offline_replicas []int32 | tags ]
 *           | topic_authorized_operations int32 | tags ]
 *  v9-10: cluster_authorized_operations int32 | v13+: error_code int16 | tags
 * </pre>
 *
 * @param throttleTimeMs              how long the client must wait because of a quota, 0 when none
 * @param brokers                     the live brokers (same shape as a {@link NodeEndpoint})
 * @param clusterId                   the cluster id, or null
 * @param controllerId                the controller's id, -1 when unknown
 * @param topics                      one entry per topic
 * @param clusterAuthorizedOperations v9-10: a bit field of operations, {@link #AUTHORIZED_OPERATIONS_OMITTED} when not asked
 * @param errorCode                   v13+: the top-level error, 0 when none
 */
public record MetadataResponse(int throttleTimeMs, List<NodeEndpoint> brokers, String clusterId, int controllerId,
        List<MetadataResponseTopic> topics, int clusterAuthorizedOperations, short errorCode) implements ApiResponse {

    /** The authorized-operations value that means "not requested". */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    /**
     * @param errorCode                 the topic's error, 0 when none
     * @param name                      the topic name; null (v12+) only for an unknown topic asked for by id
     * @param topicId                   v10+: the topic id, {@link FetchRequest#NO_TOPIC_ID} when unknown
     * @param isInternal                whether the topic is internal (e.g. {@code __consumer_offsets})
     * @param partitions                one entry per partition
     * @param topicAuthorizedOperations a bit field of operations, {@link #AUTHORIZED_OPERATIONS_OMITTED} when not asked
     */
    public record MetadataResponseTopic(short errorCode, String name, UUID topicId, boolean isInternal,
            List<MetadataResponsePartition> partitions, int topicAuthorizedOperations) {
    }

    /**
     * @param errorCode       the partition's error, 0 when none
     * @param partitionIndex  the partition index
     * @param leaderId        the leader's broker id, -1 when none
     * @param leaderEpoch     the leader epoch, -1 when unknown
     * @param replicaNodes    every replica's broker id
     * @param isrNodes        the in-sync replicas
     * @param offlineReplicas the replicas on offline log directories
     */
    public record MetadataResponsePartition(short errorCode, int partitionIndex, int leaderId, int leaderEpoch,
            List<Integer> replicaNodes, List<Integer> isrNodes, List<Integer> offlineReplicas) {
    }

    /**
     * Decodes one MetadataResponse at {@code version}.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static MetadataResponse read(ProtocolReader r, short version) {
        if (!ApiKey.METADATA.isVersionSupported(version)) {
            throw new MalformedMessageException("Metadata v" + version + " is not supported");
        }
        int throttleTimeMs = r.readInt32();
        List<NodeEndpoint> brokers = NodeEndpoint.readAll(r);
        String clusterId = r.readNullableString(true);
        int controllerId = r.readInt32();
        int topicCount = r.readNonNullArrayLength(true);
        List<MetadataResponseTopic> topics = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            topics.add(readTopic(r, version));
        }
        int clusterOperations = version <= 10 ? r.readInt32() : AUTHORIZED_OPERATIONS_OMITTED;
        short errorCode = version >= 13 ? r.readInt16() : 0;
        r.skipTaggedFields();
        return new MetadataResponse(throttleTimeMs, brokers, clusterId, controllerId, topics, clusterOperations,
                errorCode);
    }

    private static MetadataResponseTopic readTopic(ProtocolReader r, short version) {
        short errorCode = r.readInt16();
        String name = version >= 12 ? r.readNullableString(true) : r.readString(true);
        UUID topicId = version >= 10 ? r.readUuid() : FetchRequest.NO_TOPIC_ID;
        boolean isInternal = r.readBoolean();
        int partitionCount = r.readNonNullArrayLength(true);
        List<MetadataResponsePartition> partitions = new ArrayList<>(partitionCount);
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new MetadataResponsePartition(r.readInt16(), r.readInt32(), r.readInt32(), r.readInt32(),
                    readInt32s(r), readInt32s(r), readInt32s(r)));
            r.skipTaggedFields();
        }
        int topicOperations = r.readInt32();
        r.skipTaggedFields();
        return new MetadataResponseTopic(errorCode, name, topicId, isInternal, partitions, topicOperations);
    }

    private static List<Integer> readInt32s(ProtocolReader r) {
        int n = r.readNonNullArrayLength(true);
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(r.readInt32());
        }
        return values;
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.METADATA.isVersionSupported(version)) {
            throw new IllegalArgumentException("Metadata v" + version + " is outside the supported band");
        }
        w.writeInt32(throttleTimeMs);
        NodeEndpoint.writeAll(w, brokers);
        w.writeNullableString(clusterId, true).writeInt32(controllerId);
        w.writeArrayLength(topics.size(), true);
        for (MetadataResponseTopic topic : topics) {
            w.writeInt16(topic.errorCode);
            if (version >= 12) {
                w.writeNullableString(topic.name, true);
            } else {
                w.writeString(topic.name, true);
            }
            if (version >= 10) {
                w.writeUuid(topic.topicId);
            }
            w.writeBoolean(topic.isInternal);
            w.writeArrayLength(topic.partitions.size(), true);
            for (MetadataResponsePartition p : topic.partitions) {
                w.writeInt16(p.errorCode).writeInt32(p.partitionIndex).writeInt32(p.leaderId).writeInt32(p.leaderEpoch);
                writeInt32s(w, p.replicaNodes);
                writeInt32s(w, p.isrNodes);
                writeInt32s(w, p.offlineReplicas);
                w.writeEmptyTaggedFields();
            }
            w.writeInt32(topic.topicAuthorizedOperations).writeEmptyTaggedFields();
        }
        if (version <= 10) {
            w.writeInt32(clusterAuthorizedOperations);
        }
        if (version >= 13) {
            w.writeInt16(errorCode);
        }
        w.writeEmptyTaggedFields();
    }

    private static void writeInt32s(ProtocolWriter w, List<Integer> values) {
        w.writeArrayLength(values.size(), true);
        for (int v : values) {
            w.writeInt32(v);
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.METADATA;
    }
}
