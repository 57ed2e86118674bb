package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.List;
import java.util.Objects;

/**
 * One record as {@link VarveConsumer#poll} returns it. Immutable apart from the arrays the key, value
 * or headers may hold, which belong to the application.
 *
 * @param topic         the topic
 * @param partition     the partition index
 * @param offset        the record's offset in the partition
 * @param timestamp     milliseconds since the epoch, as {@code timestampType} says
 * @param timestampType producer (create) time or broker (log append) time
 * @param key           the deserialized key, or null
 * @param value         the deserialized value, or null
 * @param headers       the headers in the order written; empty when none
 * @param <K>           key type
 * @param <V>           value type
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp,
        TimestampType timestampType, K key, V value, List<Header> headers) {

    public ConsumerRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(timestampType, "timestampType");
        headers = List.copyOf(headers);
    }

    /** The record's partition as a {@link TopicPartition}. */
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** The value of the last header named {@code key}, or null when there is none (or its value is null). */
    public byte[] lastHeader(String key) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key)) {
                return headers.get(i).value();
            }
        }
        return null;
    }
}
