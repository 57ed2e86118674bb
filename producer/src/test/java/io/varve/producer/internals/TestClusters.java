package io.varve.producer.internals;

import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.protocol.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Cluster snapshots for unit tests: one topic whose partitions are led round-robin by the given nodes. */
final class TestClusters {

    private TestClusters() {
    }

    static final Node NODE_1 = new Node(1, "127.0.0.1", 9091);
    static final Node NODE_2 = new Node(2, "127.0.0.1", 9092);

    /** {@code leaders[p]} leads partition p; -1 means no leader. */
    static Cluster of(String topic, int... leaders) {
        List<Cluster.PartitionInfo> partitions = new ArrayList<>();
        for (int p = 0; p < leaders.length; p++) {
            partitions.add(new Cluster.PartitionInfo(p, leaders[p], 0, Errors.NONE));
        }
        return new Cluster("c", Map.of(1, NODE_1, 2, NODE_2),
            Map.of(topic, new Cluster.TopicMetadata(topic, UUID.randomUUID(), Errors.NONE, partitions)), 0L);
    }
}
