package io.varve.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Under-replicated and offline partitions are computed from replicas, ISR and leader liveness. */
class ReplicationMetricsTest {

    private static final int NODE = 1;

    @Test
    void countsUnderReplicatedPartitionsLedHereAndOfflinePartitionsOfTheCluster() {
        UUID topic = UUID.randomUUID();
        MetadataDelta delta = new MetadataDelta(MetadataImage.empty("c"));
        long offset = 0;
        delta.replay(new MetadataRecord.RegisterBroker(1, "h", 1, null), offset++);
        delta.replay(new MetadataRecord.RegisterBroker(2, "h", 2, null), offset++);
        delta.replay(new MetadataRecord.Topic("t", topic), offset++);
        // led here, fully in sync
        delta.replay(new MetadataRecord.Partition(topic, 0, new int[] {1, 2}, new int[] {1, 2}, 1, 0, 0), offset++);
        // led here, a follower out of the ISR
        delta.replay(new MetadataRecord.Partition(topic, 1, new int[] {1, 2}, new int[] {1}, 1, 0, 0), offset++);
        // led by node 2, out of sync: not this node's to report
        delta.replay(new MetadataRecord.Partition(topic, 2, new int[] {2, 1}, new int[] {2}, 2, 0, 0), offset++);
        // no leader
        delta.replay(new MetadataRecord.Partition(topic, 3, new int[] {1, 2}, new int[] {}, -1, 0, 0), offset++);
        // led by a node that is not registered
        delta.replay(new MetadataRecord.Partition(topic, 4, new int[] {3}, new int[] {3}, 3, 0, 0), offset);
        MetadataImage image = delta.apply();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        new ReplicationMetrics(registry, NODE, () -> image);

        assertEquals(1.0, registry.get(ReplicationMetrics.UNDER_REPLICATED).gauge().value());
        assertEquals(2.0, registry.get(ReplicationMetrics.OFFLINE).gauge().value());
        assertEquals(2.0, registry.get(ReplicationMetrics.LEADERS).gauge().value());
    }
}
