package io.varve.raft.controller;

import java.util.Map;
import java.util.Objects;

/**
 * One topic of a CreateTopics request.
 *
 * @param name              the topic name
 * @param numPartitions     partitions, or {@link #DEFAULT} for {@code num.partitions}
 * @param replicationFactor replicas per partition, or {@link #DEFAULT} for {@code default.replication.factor}
 * @param configs           topic config overrides (copied; a null value is refused as INVALID_CONFIG)
 */
public record NewTopic(String name, int numPartitions, short replicationFactor, Map<String, String> configs) {

    /** The value of {@code numPartitions} or {@code replicationFactor} that asks for the default. */
    public static final int DEFAULT = -1;

    public NewTopic {
        Objects.requireNonNull(configs, "configs");
        configs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(configs));
    }

    /** A topic with default partitions, replication and configs. */
    public static NewTopic withDefaults(String name) {
        return new NewTopic(name, DEFAULT, (short) DEFAULT, Map.of());
    }
}
