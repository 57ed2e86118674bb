package io.varve.consumer;

/**
 * The answer of {@link VarveConsumer#offsetsForTimes}: the earliest offset whose timestamp is at
 * least the one asked for, and that record's timestamp.
 *
 * @param offset    the offset, ≥ 0
 * @param timestamp the record's timestamp in milliseconds since the epoch
 */
public record OffsetAndTimestamp(long offset, long timestamp) {

    public OffsetAndTimestamp {
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0: " + offset);
        }
    }
}
