package io.varve.consumer;

import java.util.Locale;

/** What {@code auto.offset.reset} says to do when a partition has no valid position. */
public enum OffsetResetStrategy {
    /** Start at the log start offset. */
    EARLIEST,
    /** Start at the log end offset: only records produced from now on. */
    LATEST,
    /** Fail the poll with {@link NoOffsetForPartitionException} or {@link OffsetOutOfRangeException}. */
    NONE;

    /** The strategy named by a config value ({@code earliest}, {@code latest}, {@code none}), or null. */
    static OffsetResetStrategy parse(String value) {
        for (OffsetResetStrategy s : values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(value)) {
                return s;
            }
        }
        return null;
    }
}
