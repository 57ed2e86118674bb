package io.varve.storage.producer;

/**
 * What the log remembers of one batch of an idempotent producer: enough to recognise a retry of it
 * and to answer the retry with the offsets the original got. Immutable.
 *
 * @param firstSequence the batch's base sequence
 * @param lastSequence  the sequence of its last record, wrapped past {@link Integer#MAX_VALUE} to 0
 * @param firstOffset   offset of its first record in the log
 * @param lastOffset    offset of its last record in the log
 * @param maxTimestamp  its largest record timestamp (ms), from the batch header
 */
public record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long maxTimestamp) {

    /**
     * The sequence {@code delta} records after {@code baseSequence}: sequences are non-negative and
     * wrap from {@link Integer#MAX_VALUE} to 0, as Kafka's do.
     */
    public static int addSequence(int baseSequence, int delta) {
        return (int) (((long) baseSequence + delta) % (Integer.MAX_VALUE + 1L));
    }

    /** Whether a batch starting at {@code nextFirstSequence} directly follows {@code lastSequence}. */
    public static boolean follows(int lastSequence, int nextFirstSequence) {
        return nextFirstSequence == addSequence(lastSequence, 1);
    }
}
