package io.varve.raft.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the cluster's metadata says after the metadata log has been applied up to
 * {@link #lastAppliedOffset()}: the registered brokers, the topics with their partitions and config
 * overrides, broker configs, and the next free producer id.
 *
 * <p>Immutable and thread-safe: every map is unmodifiable and never changes after construction. The
 * broker publishes each new image through one volatile reference (or {@code AtomicReference}); a
 * request handler reads that reference once and answers from the image it got, so it never sees half
 * of a change. A new image is made by {@link MetadataDelta#apply()}, which shares what did not change.
 */
public final class MetadataImage {

    /** {@link #lastAppliedOffset()} of an image to which no record has been applied. */
    public static final long NO_OFFSET = -1L;

    private final String clusterId;
    private final NavigableMap<Integer, BrokerRegistration> brokers;
    private final NavigableMap<String, TopicImage> topicsByName;
    private final Map<UUID, TopicImage> topicsById;
    private final Map<String, Map<String, String>> brokerConfigs;
    private final long nextProducerId;
    private final long lastAppliedOffset;
    private final int partitionCount;

    MetadataImage(String clusterId, NavigableMap<Integer, BrokerRegistration> brokers,
                  NavigableMap<String, TopicImage> topicsByName, Map<UUID, TopicImage> topicsById,
                  Map<String, Map<String, String>> brokerConfigs, long nextProducerId, long lastAppliedOffset) {
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.brokers = Collections.unmodifiableNavigableMap(brokers);
        this.topicsByName = Collections.unmodifiableNavigableMap(topicsByName);
        this.topicsById = Collections.unmodifiableMap(topicsById);
        this.brokerConfigs = Collections.unmodifiableMap(brokerConfigs);
        this.nextProducerId = nextProducerId;
        this.lastAppliedOffset = lastAppliedOffset;
        int partitions = 0;
        for (TopicImage topic : topicsByName.values()) {
            partitions += topic.partitionCount();
        }
        this.partitionCount = partitions;
    }

    /** The image of an empty metadata log. */
    public static MetadataImage empty(String clusterId) {
        return new MetadataImage(clusterId, new TreeMap<>(), new TreeMap<>(), Map.of(), Map.of(), 0, NO_OFFSET);
    }

    public String clusterId() {
        return clusterId;
    }

    /** Registered brokers by node id, in node id order. */
    public NavigableMap<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    /** The broker with this node id, or null. */
    public BrokerRegistration broker(int nodeId) {
        return brokers.get(nodeId);
    }

    /** The brokers that may lead and receive replicas ({@link BrokerRegistration#isActive()}), in node id order. */
    public List<BrokerRegistration> activeBrokers() {
        return brokers.values().stream().filter(BrokerRegistration::isActive).toList();
    }

    /** This image as of a different log offset: a snapshot read back at the offset it was taken. */
    MetadataImage withLastAppliedOffset(long offset) {
        return new MetadataImage(clusterId, new TreeMap<>(brokers), new TreeMap<>(topicsByName), topicsById,
            brokerConfigs, nextProducerId, offset);
    }

    /** Topics by name, in name order. */
    public NavigableMap<String, TopicImage> topicsByName() {
        return topicsByName;
    }

    public Map<UUID, TopicImage> topicsById() {
        return topicsById;
    }

    /** The topic with this name, or null. */
    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    /** The topic with this id, or null. */
    public TopicImage topic(UUID topicId) {
        return topicsById.get(topicId);
    }

    /** Broker config overrides by resource name (node id in decimal, "" for every broker). */
    public Map<String, Map<String, String>> brokerConfigs() {
        return brokerConfigs;
    }

    /** The first producer id not yet handed out. */
    public long nextProducerId() {
        return nextProducerId;
    }

    /** Offset in the metadata log of the last record applied, or {@link #NO_OFFSET}. */
    public long lastAppliedOffset() {
        return lastAppliedOffset;
    }

    /** Partitions of all topics together. */
    public int partitionCount() {
        return partitionCount;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataImage m && clusterId.equals(m.clusterId) && brokers.equals(m.brokers)
            && topicsByName.equals(m.topicsByName) && topicsById.equals(m.topicsById)
            && brokerConfigs.equals(m.brokerConfigs) && nextProducerId == m.nextProducerId
            && lastAppliedOffset == m.lastAppliedOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(clusterId, brokers, topicsByName, nextProducerId, lastAppliedOffset);
    }

    @Override
    public String toString() {
        return "MetadataImage{cluster=" + clusterId + ", offset=" + lastAppliedOffset + ", brokers=" + brokers.keySet()
            + ", topics=" + topicsByName.keySet() + ", partitions=" + partitionCount
            + ", nextProducerId=" + nextProducerId + '}';
    }
}
