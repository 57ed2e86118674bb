package io.varve.client.admin;

import java.util.UUID;

/**
 * What the broker reports for a topic it created. Immutable.
 *
 * @param name              the topic name
 * @param topicId           the topic id; the zero UUID when the broker did not send one
 * @param partitions        the partition count, -1 when not reported
 * @param replicationFactor replicas per partition, -1 when not reported
 */
public record CreatedTopic(String name, UUID topicId, int partitions, int replicationFactor) {
}
