package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.Set;

/**
 * Partitions have no position and {@code auto.offset.reset} is {@code none}: the application must
 * {@link VarveConsumer#seek seek} them before polling.
 */
public final class NoOffsetForPartitionException extends ConsumerException {

    private static final long serialVersionUID = 1L;

    private final transient Set<TopicPartition> partitions;

    public NoOffsetForPartitionException(Set<TopicPartition> partitions) {
        super("no position and auto.offset.reset=none for " + partitions);
        this.partitions = Set.copyOf(partitions);
    }

    public Set<TopicPartition> partitions() {
        return partitions;
    }
}
