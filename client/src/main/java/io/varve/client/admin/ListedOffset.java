package io.varve.client.admin;

/**
 * An offset found by {@link VarveAdmin#listOffsets}. Immutable.
 *
 * @param offset      the offset, -1 when no record matches (a timestamp after every record)
 * @param timestampMs the timestamp of the record at that offset, -1 when it has none (earliest, latest)
 * @param leaderEpoch the leader epoch of that record, -1 when unknown
 */
public record ListedOffset(long offset, long timestampMs, int leaderEpoch) {
}
