package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.Collection;

/**
 * Told when a group rebalance changes this consumer's partitions. Every callback runs on the
 * polling thread, inside {@link VarveConsumer#poll} (or {@link VarveConsumer#close}), so it may
 * commit offsets and seek; it must not call poll.
 *
 * <ul>
 *   <li>{@link #onPartitionsRevoked}: before partitions are given up in an orderly rebalance (all of
 *       them under the eager protocol, only the moved ones under the cooperative one). Offsets
 *       committed here are the last for these partitions from this member.</li>
 *   <li>{@link #onPartitionsAssigned}: after the new partitions are assigned, before their records
 *       are fetched (under the cooperative protocol only the added ones, possibly none).</li>
 *   <li>{@link #onPartitionsLost}: when the member learns it was dropped from the group (session
 *       expired, fenced): others may own these partitions already, so committing would fail.
 *       By default it calls {@link #onPartitionsRevoked}, as Kafka's listener does.</li>
 * </ul>
 */
public interface RebalanceListener {

    /** A listener that does nothing. */
    RebalanceListener NOOP = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }
}
