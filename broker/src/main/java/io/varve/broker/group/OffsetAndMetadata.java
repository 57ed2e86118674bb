package io.varve.broker.group;

/**
 * One committed offset.
 *
 * @param leaderEpoch       -1 when the client did not say
 * @param metadata          the client's string, possibly null
 * @param commitTimestampMs when the coordinator accepted it (offset expiry counts from here)
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
}
