package io.varve.raft.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One topic in a {@link MetadataImage}: its name, id, partitions by index and the topic-level config
 * overrides set on it (only those set: defaults are the broker's business). Immutable; the maps are
 * unmodifiable and sorted.
 *
 * @param name       the topic name
 * @param topicId    the topic id
 * @param partitions partitions by index, 0 to {@code partitions.size() - 1}
 * @param configs    topic config overrides by key
 */
public record TopicImage(String name, UUID topicId, Map<Integer, PartitionImage> partitions,
                         Map<String, String> configs) {
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(configs, "configs");
    }

    /** The partition with this index, or null. */
    public PartitionImage partition(int partitionIndex) {
        return partitions.get(partitionIndex);
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** The replication factor of partition 0 (every partition starts with the same), 0 if none. */
    public int replicationFactor() {
        PartitionImage first = partitions.get(0);
        return first == null ? 0 : first.replicaCount();
    }
}
