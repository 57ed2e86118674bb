package io.varve.storage;

/**
 * The answer of {@link PartitionLog#offsetForTimestamp(long)}: the first batch whose max timestamp
 * is at or after the one asked for — that max timestamp, the batch's base offset (never below the
 * log start), and the batch's leader epoch. Immutable.
 */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
