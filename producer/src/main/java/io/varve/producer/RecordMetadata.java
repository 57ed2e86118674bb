package io.varve.producer;

/**
 * Where an acknowledged record was written.
 *
 * @param topic       the topic
 * @param partition   the partition
 * @param offset      the record's offset, or -1 when the broker does not say ({@code acks=0})
 * @param timestampMs the record's timestamp: its create time, or the broker's append time when the
 *                    topic uses LogAppendTime
 */
public record RecordMetadata(String topic, int partition, long offset, long timestampMs) {
}
