package io.varve.storage.checkpoint;

/**
 * The answer to OffsetForLeaderEpoch: an epoch and the offset its range ends at (exclusive), or
 * {@link #UNDEFINED} ({@code -1, -1}) when the log knows no epoch at or below the one asked for.
 * Immutable.
 */
public record EpochEndOffset(int epoch, long endOffset) {

    /** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);

    public boolean isUndefined() {
        return epoch == UNDEFINED.epoch && endOffset == UNDEFINED.endOffset;
    }
}
