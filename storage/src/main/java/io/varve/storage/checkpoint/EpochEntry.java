package io.varve.storage.checkpoint;

/**
 * A leader epoch and the first offset written in it: the epoch covers offsets from
 * {@code startOffset} up to the next entry's start offset (or the log end). Immutable.
 */
public record EpochEntry(int epoch, long startOffset) {

    public EpochEntry {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
        if (startOffset < 0) {
            throw new IllegalArgumentException("start offset must not be negative: " + startOffset);
        }
    }
}
