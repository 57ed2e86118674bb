package io.varve.storage.producer;

/**
 * The verdict of {@link ProducerStateManager#checkLeaderAppend} on one leader append. Immutable; the
 * verdicts without offsets are shared constants.
 *
 * @param outcome     what the log must do with the append
 * @param firstOffset for {@link Outcome#DUPLICATE}: the first offset the original append got, else -1
 * @param lastOffset  for {@link Outcome#DUPLICATE}: the last offset the original append got, else -1
 */
public record AppendCheck(Outcome outcome, long firstOffset, long lastOffset) {

    /** What the producer state says of an append. */
    public enum Outcome {
        /** Every producer batch follows its producer's last one: append it. */
        ACCEPT,
        /** Every producer batch is a retry of one of its producer's last five: append nothing, answer the original offsets. */
        DUPLICATE,
        /** A batch's sequence does not follow its producer's last one (a gap, an old duplicate, a new epoch not at 0). */
        OUT_OF_ORDER_SEQUENCE,
        /** A batch's producer epoch is older than its producer's current one: a fenced (zombie) producer. */
        INVALID_PRODUCER_EPOCH
    }

    public static final AppendCheck ACCEPTED = new AppendCheck(Outcome.ACCEPT, -1, -1);
    public static final AppendCheck OUT_OF_ORDER = new AppendCheck(Outcome.OUT_OF_ORDER_SEQUENCE, -1, -1);
    public static final AppendCheck FENCED = new AppendCheck(Outcome.INVALID_PRODUCER_EPOCH, -1, -1);

    static AppendCheck duplicate(long firstOffset, long lastOffset) {
        return new AppendCheck(Outcome.DUPLICATE, firstOffset, lastOffset);
    }
}
