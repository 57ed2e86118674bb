package io.varve.client.admin;

/**
 * Which offset of a partition {@link VarveAdmin#listOffsets} looks up: the earliest, the latest
 * (the log end offset), that of the record with the largest timestamp, or the first offset whose
 * record timestamp is at or after a given time. Immutable.
 *
 * @param timestampMs a time in epoch milliseconds, or one of Kafka's special timestamps
 *                    ({@code -1} latest, {@code -2} earliest, {@code -3} max timestamp)
 */
public record OffsetSpec(long timestampMs) {

    /** The log end offset: the offset the next record will get. */
    public static final OffsetSpec LATEST = new OffsetSpec(-1L);
    /** The log start offset: the first record still kept. */
    public static final OffsetSpec EARLIEST = new OffsetSpec(-2L);
    /** The offset of the record with the largest timestamp (the first such, on a tie). */
    public static final OffsetSpec MAX_TIMESTAMP = new OffsetSpec(-3L);

    public OffsetSpec {
        if (timestampMs < -3L) {
            throw new IllegalArgumentException("not a timestamp nor a special timestamp: " + timestampMs);
        }
    }

    /** The first offset whose record timestamp is at or after {@code timestampMs} (epoch ms, not negative). */
    public static OffsetSpec forTimestamp(long timestampMs) {
        if (timestampMs < 0) {
            throw new IllegalArgumentException("timestamp must not be negative: " + timestampMs);
        }
        return new OffsetSpec(timestampMs);
    }
}
