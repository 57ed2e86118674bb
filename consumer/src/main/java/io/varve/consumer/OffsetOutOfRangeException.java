package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.Map;

/**
 * The broker answered OFFSET_OUT_OF_RANGE for positions and {@code auto.offset.reset} is {@code none}.
 * The positions stay where they were: the application must {@link VarveConsumer#seek seek}.
 */
public final class OffsetOutOfRangeException extends ConsumerException {

    private static final long serialVersionUID = 1L;

    private final transient Map<TopicPartition, Long> offsetOutOfRangePartitions;

    public OffsetOutOfRangeException(Map<TopicPartition, Long> offsetOutOfRangePartitions) {
        super("offsets out of range with auto.offset.reset=none: " + offsetOutOfRangePartitions);
        this.offsetOutOfRangePartitions = Map.copyOf(offsetOutOfRangePartitions);
    }

    /** The positions the broker refused, by partition. */
    public Map<TopicPartition, Long> offsetOutOfRangePartitions() {
        return offsetOutOfRangePartitions;
    }
}
