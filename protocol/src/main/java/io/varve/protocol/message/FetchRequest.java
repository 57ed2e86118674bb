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
 * Fetch request, v12-v16 (all flexible). v12 names topics; v13+ identifies them by topic id only.
 * v12-v14 carry the follower's id as a plain field; v15+ moves it, with the follower's broker
 * epoch, into the {@code ReplicaState} tagged field (tag 1). {@code ClusterId} (tag 0) is optional
 * at every version. v16 only changes the response (node endpoints).
 *
 * <pre>
 *  v12-14: replica_id int32
 *  max_wait_ms int32 | min_bytes int32 | max_bytes int32 | isolation_level int8 | session_id int32 | session_epoch int32
 *  topics [ v12: topic compact string, v13+: topic_id uuid
 *           | partitions [ partition int32 | current_leader_epoch int32 | fetch_offset int64
 *                          | last_fetched_epoch int32 | log_start_offset int64 | partition_max_bytes int32 | tags ]
 *           | tags ]
 *  forgotten_topics_data [ v12: topic, v13+: topic_id | partitions compact []int32 | tags ]
 *  rack_id compact string | tags(0: cluster_id, 1: replica_state {replica_id int32, replica_epoch int64} v15+)
 * </pre>
 *
 * @param clusterId      the cluster id the sender expects, or null
 * @param replicaId      the follower's broker id, or -1 for a consumer (v12-14 field, v15+ in ReplicaState)
 * @param replicaEpoch   v15+: the follower's broker epoch, else -1
 * @param maxWaitMs      how long the broker may hold the request waiting for {@code minBytes}
 * @param minBytes       the bytes to accumulate before answering
 * @param maxBytes       the response's size limit (KIP-74: the first batch may exceed it)
 * @param isolationLevel 0 read uncommitted, 1 read committed
 * @param sessionId      the fetch session, 0 for none
 * @param sessionEpoch   the session epoch, -1 for a full fetch without a session
 * @param topics         what to fetch
 * @param forgottenTopicsData in an incremental fetch, the partitions to drop from the session
 * @param rackId         the consumer's rack, "" when none
 */
public record FetchRequest(String clusterId, int replicaId, long replicaEpoch, int maxWaitMs, int minBytes,
        int maxBytes, byte isolationLevel, int sessionId, int sessionEpoch, List<FetchTopic> topics,
        List<ForgottenTopic> forgottenTopicsData, String rackId) implements ApiRequest {

    /** Kafka's zero Uuid: the topic id of a message version that names topics instead. */
    public static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    /**
     * @param topic      v12: the topic name, else ""
     * @param topicId    v13+: the topic id, else {@link #NO_TOPIC_ID}
     * @param partitions the partitions to fetch
     */
    public record FetchTopic(String topic, UUID topicId, List<FetchPartition> partitions) {
    }

    /**
     * @param partition          the partition index
     * @param currentLeaderEpoch the leader epoch the sender knows, -1 for none (fences stale leaders)
     * @param fetchOffset        the first offset wanted
     * @param lastFetchedEpoch   the epoch of the last fetched record, -1 for none (divergence check)
     * @param logStartOffset     a follower's log start offset, -1 for a consumer
     * @param partitionMaxBytes  the partition's size limit in the response
     */
    public record FetchPartition(int partition, int currentLeaderEpoch, long fetchOffset, int lastFetchedEpoch,
            long logStartOffset, int partitionMaxBytes) {
    }

    /**
     * @param topic      v12: the topic name, else ""
     * @param topicId    v13+: the topic id, else {@link #NO_TOPIC_ID}
     * @param partitions the partition indexes to forget
     */
    public record ForgottenTopic(String topic, UUID topicId, List<Integer> partitions) {
    }

    /**
     * Decodes one FetchRequest at {@code version}.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static FetchRequest read(ProtocolReader r, short version) {
        if (!ApiKey.FETCH.isVersionSupported(version)) {
            throw new MalformedMessageException("Fetch v" + version + " is not supported");
        }
        int replicaId = version <= 14 ? r.readInt32() : -1;
        int maxWaitMs = r.readInt32();
        int minBytes = r.readInt32();
        int maxBytes = r.readInt32();
        byte isolationLevel = r.readInt8();
        int sessionId = r.readInt32();
        int sessionEpoch = r.readInt32();
        int topicCount = r.readNonNullArrayLength(true);
        List<FetchTopic> topics = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            String name = version <= 12 ? r.readString(true) : "";
            UUID topicId = version >= 13 ? r.readUuid() : NO_TOPIC_ID;
            int partitionCount = r.readNonNullArrayLength(true);
            List<FetchPartition> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new FetchPartition(r.readInt32(), r.readInt32(), r.readInt64(), r.readInt32(),
                        r.readInt64(), r.readInt32()));
                r.skipTaggedFields();
            }
            r.skipTaggedFields();
            topics.add(new FetchTopic(name, topicId, partitions));
        }
        int forgottenCount = r.readNonNullArrayLength(true);
        List<ForgottenTopic> forgotten = new ArrayList<>(forgottenCount);
        for (int t = 0; t < forgottenCount; t++) {
            String name = version <= 12 ? r.readString(true) : "";
            UUID topicId = version >= 13 ? r.readUuid() : NO_TOPIC_ID;
            int partitionCount = r.readNonNullArrayLength(true);
            List<Integer> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(r.readInt32());
            }
            r.skipTaggedFields();
            forgotten.add(new ForgottenTopic(name, topicId, partitions));
        }
        String rackId = r.readString(true);
        String[] clusterId = {null};
        long[] replicaState = {replicaId, -1L};
        r.readTaggedFields((tag, in) -> {
            if (tag == 0) {
                clusterId[0] = in.readNullableString(true);
                return true;
            }
            if (tag == 1 && version >= 15) {
                replicaState[0] = in.readInt32();
                replicaState[1] = in.readInt64();
                in.skipTaggedFields();
                return true;
            }
            return false;
        });
        return new FetchRequest(clusterId[0], (int) replicaState[0], replicaState[1], maxWaitMs, minBytes, maxBytes,
                isolationLevel, sessionId, sessionEpoch, topics, forgotten, rackId);
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.FETCH.isVersionSupported(version)) {
            throw new IllegalArgumentException("Fetch v" + version + " is outside the supported band");
        }
        if (version <= 14) {
            w.writeInt32(replicaId);
        }
        w.writeInt32(maxWaitMs).writeInt32(minBytes).writeInt32(maxBytes).writeInt8(isolationLevel)
                .writeInt32(sessionId).writeInt32(sessionEpoch);
        w.writeArrayLength(topics.size(), true);
        for (FetchTopic topic : topics) {
            writeTopicKey(w, version, topic.topic, topic.topicId);
            w.writeArrayLength(topic.partitions.size(), true);
            for (FetchPartition p : topic.partitions) {
                w.writeInt32(p.partition).writeInt32(p.currentLeaderEpoch).writeInt64(p.fetchOffset)
                        .writeInt32(p.lastFetchedEpoch).writeInt64(p.logStartOffset).writeInt32(p.partitionMaxBytes)
                        .writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeArrayLength(forgottenTopicsData.size(), true);
        for (ForgottenTopic topic : forgottenTopicsData) {
            writeTopicKey(w, version, topic.topic, topic.topicId);
            w.writeArrayLength(topic.partitions.size(), true);
            for (int partition : topic.partitions) {
                w.writeInt32(partition);
            }
            w.writeEmptyTaggedFields();
        }
        w.writeString(rackId, true);
        boolean writeReplicaState = version >= 15 && (replicaId != -1 || replicaEpoch != -1L);
        w.writeUnsignedVarint((clusterId != null ? 1 : 0) + (writeReplicaState ? 1 : 0));
        if (clusterId != null) {
            w.writeTaggedField(0, t -> t.writeNullableString(clusterId, true));
        }
        if (writeReplicaState) {
            w.writeTaggedField(1, t -> t.writeInt32(replicaId).writeInt64(replicaEpoch).writeEmptyTaggedFields());
        }
    }

    /** v12 names the topic, v13+ gives its id. */
    static void writeTopicKey(ProtocolWriter w, short version, String name, UUID topicId) {
        if (version <= 12) {
            w.writeString(name, true);
        } else {
            w.writeUuid(topicId);
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    /**
     * Reports {@code error} at the top level and on every partition asked for, as Kafka does; the
     * session id is echoed. Forgotten partitions are not answered.
     */
    @Override
    public FetchResponse errorResponse(Errors error) {
        List<FetchResponse.FetchableTopicResponse> responses = new ArrayList<>(topics.size());
        for (FetchTopic topic : topics) {
            List<FetchResponse.PartitionData> partitions = new ArrayList<>(topic.partitions.size());
            for (FetchPartition p : topic.partitions) {
                partitions.add(FetchResponse.PartitionData.error(p.partition, error));
            }
            responses.add(new FetchResponse.FetchableTopicResponse(topic.topic, topic.topicId, partitions));
        }
        return new FetchResponse(0, error.code, sessionId, responses, List.of());
    }
}
