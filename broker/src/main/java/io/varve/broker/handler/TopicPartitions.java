package io.varve.broker.handler;

import io.varve.common.TopicPartition;

/** Turning wire names into {@link TopicPartition}s without letting a bad name throw. */
final class TopicPartitions {

    private TopicPartitions() {
    }

    /** The partition, or null when the name is not a legal topic name or the index is negative. */
    static TopicPartition parse(String topic, int partition) {
        if (topic == null || partition < 0 || !TopicPartition.isValidTopicName(topic)) {
            return null;
        }
        return new TopicPartition(topic, partition);
    }
}
