package io.varve.storage;

import io.varve.common.TopicPartition;

/**
 * Told after each successful flush of a {@link PartitionLog} to the device, with how long the flush
 * took. The hook through which the broker times flushes: storage itself keeps no metrics library
 * (DESIGN §2). Called on the flushing thread under the log's lock, so it must be short and must not
 * call back into the log. Implementations must be thread-safe: logs flush from several threads.
 */
@FunctionalInterface
public interface FlushListener {

    /** Listens to nothing. */
    FlushListener NONE = (topicPartition, durationNs) -> { };

    void onFlush(TopicPartition topicPartition, long durationNs);
}
