package io.varve.client.admin;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create. Immutable.
 *
 * @param name              the topic name
 * @param partitions        the partition count, or {@link #DEFAULT} for the broker's {@code num.partitions}
 * @param replicationFactor replicas per partition, or {@link #DEFAULT} for the broker's {@code default.replication.factor}
 * @param configs           topic config overrides (Kafka names, e.g. {@code retention.ms}); empty for none
 */
public record NewTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {

    /** Asks for the broker's default partition count or replication factor. */
    public static final int DEFAULT = -1;

    public NewTopic {
        Objects.requireNonNull(name, "name");
        configs = Map.copyOf(configs);
        if (partitions == 0 || partitions < DEFAULT) {
            throw new IllegalArgumentException("partitions must be positive or -1 (default): " + partitions);
        }
        if (replicationFactor == 0 || replicationFactor < DEFAULT || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor must be in [1, 32767] or -1 (default): " + replicationFactor);
        }
    }

    /** A topic with the broker's default partition count and replication factor and no overrides. */
    public static NewTopic withDefaults(String name) {
        return new NewTopic(name, DEFAULT, DEFAULT, Map.of());
    }

    /** A topic with {@code partitions} partitions, the default replication factor and no overrides. */
    public static NewTopic of(String name, int partitions) {
        return new NewTopic(name, partitions, DEFAULT, Map.of());
    }
}
