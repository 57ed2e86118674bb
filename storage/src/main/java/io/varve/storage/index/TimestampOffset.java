package io.varve.storage.index;

/**
 * A time index entry: records with a timestamp of at least {@code timestamp} are found at or after
 * {@code offset}. {@code timestamp} is -1 in the "no entry" answer of an empty index.
 */
public record TimestampOffset(long timestamp, long offset) {
}
