package io.varve.broker.group;

/**
 * One record of {@code __consumer_offsets}: a key and a value, null for a tombstone. The layouts
 * are in {@link CoordinatorRecords} and {@code docs/storage.md}.
 */
public record CoordinatorRecord(byte[] key, byte[] value) {
}
