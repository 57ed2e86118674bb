package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * CreatePartitions request, v2-v3 (all flexible; both versions share one layout).
 *
 * <pre>
 *  topics [name, count int32, assignments nullable [broker_ids [int32]]]
 *  timeout_ms int32 | validate_only bool
 * </pre>
 *
 * @param topics       the topics to grow
 * @param timeoutMs    how long the client waits for the partitions to be created
 * @param validateOnly check the request but change nothing
 */
public record CreatePartitionsRequest(List<CreatePartitionsTopic> topics, int timeoutMs, boolean validateOnly)
        implements ApiRequest {

    public CreatePartitionsRequest {
        topics = List.copyOf(topics);
    }

    /**
     * One topic to grow.
     *
     * @param count       the new total partition count
     * @param assignments replicas of each new partition, or null for automatic placement
     */
    public record CreatePartitionsTopic(String name, int count, List<CreatePartitionsAssignment> assignments) {
        public CreatePartitionsTopic {
            assignments = assignments == null ? null : List.copyOf(assignments);
        }
    }

    /** The replicas of one new partition. */
    public record CreatePartitionsAssignment(List<Integer> brokerIds) {
        public CreatePartitionsAssignment {
            brokerIds = List.copyOf(brokerIds);
        }
    }

    /** Decodes a request body at {@code version}, which must lie in the CreatePartitions band. */
    public static CreatePartitionsRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        int n = r.readNonNullArrayLength(true);
        List<CreatePartitionsTopic> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = r.readString(true);
            int count = r.readInt32();
            int a = r.readArrayLength(true);
            List<CreatePartitionsAssignment> assignments = a < 0 ? null : new ArrayList<>(a);
            for (int j = 0; j < a; j++) {
                int brokers = r.readNonNullArrayLength(true);
                List<Integer> brokerIds = new ArrayList<>(brokers);
                for (int b = 0; b < brokers; b++) {
                    brokerIds.add(r.readInt32());
                }
                r.skipTaggedFields();
                assignments.add(new CreatePartitionsAssignment(brokerIds));
            }
            r.skipTaggedFields();
            topics.add(new CreatePartitionsTopic(name, count, assignments));
        }
        int timeoutMs = r.readInt32();
        boolean validateOnly = r.readBoolean();
        r.skipTaggedFields();
        return new CreatePartitionsRequest(topics, timeoutMs, validateOnly);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        checkVersion(version);
        w.writeArrayLength(topics.size(), true);
        for (CreatePartitionsTopic t : topics) {
            w.writeString(t.name, true).writeInt32(t.count);
            if (t.assignments == null) {
                w.writeArrayLength(-1, true);
            } else {
                w.writeArrayLength(t.assignments.size(), true);
                for (CreatePartitionsAssignment a : t.assignments) {
                    w.writeArrayLength(a.brokerIds.size(), true);
                    for (int brokerId : a.brokerIds) {
                        w.writeInt32(brokerId);
                    }
                    w.writeEmptyTaggedFields();
                }
            }
            w.writeEmptyTaggedFields();
        }
        w.writeInt32(timeoutMs).writeBoolean(validateOnly).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_PARTITIONS;
    }

    /** Every topic fails with {@code error}. */
    @Override
    public CreatePartitionsResponse errorResponse(Errors error) {
        List<CreatePartitionsResponse.CreatePartitionsTopicResult> results = new ArrayList<>(topics.size());
        for (CreatePartitionsTopic t : topics) {
            results.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name, error.code, null));
        }
        return new CreatePartitionsResponse(0, results);
    }

    static void checkVersion(short version) {
        if (!ApiKey.CREATE_PARTITIONS.isVersionSupported(version)) {
            throw new IllegalArgumentException("CreatePartitions v" + version + " is outside the supported band");
        }
    }
}
