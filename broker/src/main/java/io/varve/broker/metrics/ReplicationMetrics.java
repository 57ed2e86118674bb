package io.varve.broker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.util.function.Supplier;

/**
 * Replication health computed from the current {@link MetadataImage} at scrape time (Kafka's
 * {@code UnderReplicatedPartitions}, {@code OfflinePartitionsCount}, {@code LeaderCount}):
 * <ul>
 *   <li>under-replicated: partitions led by this node whose ISR is smaller than their replica set;</li>
 *   <li>offline: partitions of the cluster with no leader, or whose leader is not a registered broker;</li>
 *   <li>leaders: partitions led by this node.</li>
 * </ul>
 * Thread-safe: the image is immutable and read through the supplier.
 */
public final class ReplicationMetrics {

    static final String UNDER_REPLICATED = "varve.replication.under.replicated.partitions";
    static final String OFFLINE = "varve.replication.offline.partitions";
    static final String LEADERS = "varve.replication.leader.partitions";

    private final int nodeId;
    private final Supplier<MetadataImage> image;

    public ReplicationMetrics(MeterRegistry registry, int nodeId, Supplier<MetadataImage> image) {
        this.nodeId = nodeId;
        this.image = image;
        Gauge.builder(UNDER_REPLICATED, this, m -> m.underReplicated())
            .description("Partitions led by this node whose in-sync replicas are fewer than their replicas").strongReference(true).register(registry);
        Gauge.builder(OFFLINE, this, m -> m.offline())
            .description("Partitions in the cluster without a live leader").strongReference(true).register(registry);
        Gauge.builder(LEADERS, this, m -> m.leaders())
            .description("Partitions led by this node").strongReference(true).register(registry);
    }

    /** Partitions led here with {@code |ISR| < |replicas|}. */
    public int underReplicated() {
        int count = 0;
        for (TopicImage topic : image.get().topicsByName().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() == nodeId && p.isr().length < p.replicaCount()) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Partitions whose leader is none or not a registered broker. */
    public int offline() {
        MetadataImage current = image.get();
        int count = 0;
        for (TopicImage topic : current.topicsByName().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() < 0 || current.broker(p.leader()) == null) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Partitions led by this node. */
    public int leaders() {
        int count = 0;
        for (TopicImage topic : image.get().topicsByName().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() == nodeId) {
                    count++;
                }
            }
        }
        return count;
    }
}
