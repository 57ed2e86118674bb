package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * CreateTopics request, v5-v7 (all flexible; the three versions share one request layout).
 *
 * <pre>
 *  topics [name, num_partitions int32, replication_factor int16,
 *          assignments [partition_index int32, broker_ids [int32]],
 *          configs [name, value nullable]]
 *  timeout_ms int32 | validate_only bool
 * </pre>
 *
 * @param topics       the topics to create, in request order
 * @param timeoutMs    how long the client waits for the creation
 * @param validateOnly check the request but create nothing
 */
public record CreateTopicsRequest(List<CreatableTopic> topics, int timeoutMs, boolean validateOnly)
        implements ApiRequest {

    public CreateTopicsRequest {
        topics = List.copyOf(topics);
    }

    /**
     * One topic to create.
     *
     * @param numPartitions     -1 for the broker default or when {@code assignments} is given
     * @param replicationFactor -1 for the broker default or when {@code assignments} is given
     * @param assignments       manual placement, empty for automatic placement
     * @param configs           topic config overrides
     */
    public record CreatableTopic(String name, int numPartitions, short replicationFactor,
            List<ReplicaAssignment> assignments, List<CreatableTopicConfig> configs) {
        public CreatableTopic {
            assignments = List.copyOf(assignments);
            configs = List.copyOf(configs);
        }
    }

    /** The replicas of one partition, preferred leader first. */
    public record ReplicaAssignment(int partitionIndex, List<Integer> brokerIds) {
        public ReplicaAssignment {
            brokerIds = List.copyOf(brokerIds);
        }
    }

    /** A config override; a null value asks for the default. */
    public record CreatableTopicConfig(String name, String value) {
    }

    /** Decodes a request body at {@code version}, which must lie in the CreateTopics band. */
    public static CreateTopicsRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        int n = r.readNonNullArrayLength(true);
        List<CreatableTopic> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(readTopic(r));
        }
        int timeoutMs = r.readInt32();
        boolean validateOnly = r.readBoolean();
        r.skipTaggedFields();
        return new CreateTopicsRequest(topics, timeoutMs, validateOnly);
    }

    private static CreatableTopic readTopic(ProtocolReader r) {
        String name = r.readString(true);
        int numPartitions = r.readInt32();
        short replicationFactor = r.readInt16();
        int n = r.readNonNullArrayLength(true);
        List<ReplicaAssignment> assignments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int partition = r.readInt32();
            int brokers = r.readNonNullArrayLength(true);
            List<Integer> brokerIds = new ArrayList<>(brokers);
            for (int b = 0; b < brokers; b++) {
                brokerIds.add(r.readInt32());
            }
            r.skipTaggedFields();
            assignments.add(new ReplicaAssignment(partition, brokerIds));
        }
        int c = r.readNonNullArrayLength(true);
        List<CreatableTopicConfig> configs = new ArrayList<>(c);
        for (int i = 0; i < c; i++) {
            configs.add(new CreatableTopicConfig(r.readString(true), r.readNullableString(true)));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new CreatableTopic(name, numPartitions, replicationFactor, assignments, configs);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        checkVersion(version);
        w.writeArrayLength(topics.size(), true);
        for (CreatableTopic t : topics) {
            w.writeString(t.name, true).writeInt32(t.numPartitions).writeInt16(t.replicationFactor);
            w.writeArrayLength(t.assignments.size(), true);
            for (ReplicaAssignment a : t.assignments) {
                w.writeInt32(a.partitionIndex).writeArrayLength(a.brokerIds.size(), true);
                for (int brokerId : a.brokerIds) {
                    w.writeInt32(brokerId);
                }
                w.writeEmptyTaggedFields();
            }
            w.writeArrayLength(t.configs.size(), true);
            for (CreatableTopicConfig c : t.configs) {
                w.writeString(c.name, true).writeNullableString(c.value, true).writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeInt32(timeoutMs).writeBoolean(validateOnly).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPICS;
    }

    /** Every topic fails with {@code error}; nothing about the topics is known, so counts are -1. */
    @Override
    public CreateTopicsResponse errorResponse(Errors error) {
        List<CreateTopicsResponse.CreatableTopicResult> results = new ArrayList<>(topics.size());
        for (CreatableTopic t : topics) {
            results.add(CreateTopicsResponse.CreatableTopicResult.failed(t.name, error));
        }
        return new CreateTopicsResponse(0, results);
    }

    static void checkVersion(short version) {
        if (!ApiKey.CREATE_TOPICS.isVersionSupported(version)) {
            throw new IllegalArgumentException("CreateTopics v" + version + " is outside the supported band");
        }
    }
}
