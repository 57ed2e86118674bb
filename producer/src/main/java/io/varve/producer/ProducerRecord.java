package io.varve.producer;

import java.util.List;
import java.util.Objects;

/**
 * A record to send, as Kafka's producer takes it. Immutable (the header list is copied; key and
 * value objects are the caller's).
 *
 * @param topic       the topic, never null
 * @param partition   the partition to write to, or null to let the producer's partitioner choose
 * @param timestampMs the record's create time in ms since the epoch, or null for the producer's clock at send
 * @param key         the key, or null (unkeyed records are spread by the sticky partitioner)
 * @param value       the value, or null (a tombstone)
 * @param headers     the record's headers in order, never null (empty when none)
 */
public record ProducerRecord<K, V>(String topic, Integer partition, Long timestampMs, K key, V value, List<Header> headers) {

    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
        if (timestampMs != null && timestampMs < 0) {
            throw new IllegalArgumentException("timestamp must not be negative: " + timestampMs);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** A record with a key and a value; partition and timestamp chosen by the producer, no headers. */
    public ProducerRecord(String topic, K key, V value) {
        this(topic, null, null, key, value, List.of());
    }

    /** A record with only a value. */
    public ProducerRecord(String topic, V value) {
        this(topic, null, null, null, value, List.of());
    }
}
