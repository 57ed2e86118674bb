package io.varve.raft.controller;

import io.varve.protocol.Errors;
import java.util.Map;
import java.util.UUID;

/**
 * The outcome for one topic of a CreateTopics request, in the shape of Kafka's response.
 *
 * @param name              the topic name as requested
 * @param error             {@link Errors#NONE}, or why the topic was not created
 * @param message           a human-readable reason, null on success
 * @param topicId           the new topic's id; {@link #NO_TOPIC_ID} on error or for validateOnly
 * @param numPartitions     partitions created (or that would be), -1 on error
 * @param replicationFactor replicas per partition, -1 on error
 * @param configs           the topic's effective configs, every topic config by name; empty on error
 */
public record CreateTopicResult(String name, Errors error, String message, UUID topicId, int numPartitions,
                                short replicationFactor, Map<String, String> configs) {

    /** Kafka's zero Uuid: no topic id. */
    public static final UUID NO_TOPIC_ID = new UUID(0, 0);

    static CreateTopicResult failed(String name, Errors error, String message) {
        return new CreateTopicResult(name, error, message, NO_TOPIC_ID, -1, (short) -1, Map.of());
    }

    /** This result with a success turned into {@code error}; failures keep their own error. */
    CreateTopicResult orFail(Errors error, String message) {
        return this.error == Errors.NONE ? failed(name, error, message) : this;
    }
}
