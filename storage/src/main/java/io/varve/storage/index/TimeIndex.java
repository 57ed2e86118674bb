package io.varve.storage.index;

import java.io.IOException;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sparse time index of a segment, {@code <20-digit baseOffset>.timeindex}: each time the
 * segment's largest timestamp grows (every so many bytes), that timestamp and the offset of the
 * batch that holds it, so a search by time can start near its answer.
 *
 * <p>File format, Kafka's: a sequence of 12-byte big-endian entries, sorted, each field strictly
 * increasing from one entry to the next.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +              timestamp, ms since the epoch (int64)            +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          relative offset = offset - baseOffset (int32)        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        next entry ...                         |
 * </pre>
 * Timestamps of 0 or less are never indexed: a zero entry cannot be told from preallocated space,
 * and a lookup for such a timestamp falls back to the base offset, which is where its records are
 * searched from anyway. Preallocation, trimming and counting the entries on open (without reading
 * them) are as for {@link OffsetIndex}.
 *
 * <p>Thread-safety: {@link #maybeAppend}, {@link #truncateTo}, {@link #reset()}, {@link #flush()}
 * and {@link #close()} run under the owning log's lock; {@link #lookup}, {@link #lastEntry()} and
 * {@link #entries()} are safe on any thread concurrently with them until close.
 */
public final class TimeIndex extends AbstractIndex {

    public static final int ENTRY_SIZE = 12;
    public static final int TIMESTAMP_FIELD_OFFSET = 0;
    public static final int RELATIVE_OFFSET_FIELD_OFFSET = 8;
    /** The timestamp of the "no entry" answer. */
    public static final long NO_TIMESTAMP = -1;

    private static final Key TIMESTAMP = (buffer, at) -> buffer.getLong(at + TIMESTAMP_FIELD_OFFSET, ORDER);
    private static final Key RELATIVE_OFFSET = (buffer, at) -> buffer.getInt(at + RELATIVE_OFFSET_FIELD_OFFSET, ORDER);
    private static final EntryReader<TimestampOffset> ENTRY = (buffer, at, base) -> new TimestampOffset(
        buffer.getLong(at + TIMESTAMP_FIELD_OFFSET, ORDER), base + buffer.getInt(at + RELATIVE_OFFSET_FIELD_OFFSET, ORDER));

    private final TimestampOffset none;

    private TimeIndex(Path file, long baseOffset, int maxIndexSizeBytes, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSizeBytes, writable, ENTRY_SIZE);
        this.none = new TimestampOffset(NO_TIMESTAMP, baseOffset);
    }

    /** As {@link OffsetIndex#open}, with entries of {@value #ENTRY_SIZE} bytes. */
    public static TimeIndex open(Path file, long baseOffset, int maxIndexSizeBytes, boolean writable)
        throws IOException {
        TimeIndex index = new TimeIndex(file, baseOffset, maxIndexSizeBytes, writable);
        index.loadEntries();
        return index;
    }

    @Override
    boolean entryFollows(UnsafeBuffer buffer, int at, int previousAt) {
        long timestamp = buffer.getLong(at + TIMESTAMP_FIELD_OFFSET, ORDER);
        int relativeOffset = buffer.getInt(at + RELATIVE_OFFSET_FIELD_OFFSET, ORDER);
        if (previousAt < 0) {
            return timestamp > 0 && relativeOffset >= 0;
        }
        return timestamp > buffer.getLong(previousAt + TIMESTAMP_FIELD_OFFSET, ORDER)
            && relativeOffset > buffer.getInt(previousAt + RELATIVE_OFFSET_FIELD_OFFSET, ORDER);
    }

    /**
     * Adds {@code (timestamp, offset)} if it is news: the timestamp is positive and later than the
     * last entry's, and the offset after the last entry's. Otherwise does nothing.
     *
     * @throws IllegalArgumentException if {@code offset - baseOffset} does not fit an int32 or is negative
     * @throws IllegalStateException if {@code offset} is before the last entry's offset, or the
     *     entry would be added to an index that is full, read-only or closed
     */
    public void maybeAppend(long timestamp, long offset) {
        int relativeOffset = relativeOffset(offset);
        boolean empty = entries() == 0;
        TimestampOffset last = lastEntry();
        if (!empty && offset < last.offset()) {
            throw new IllegalStateException("offset " + offset + " is before the last entry " + last + " in " + file());
        }
        if (timestamp <= Math.max(last.timestamp(), 0) || (!empty && offset == last.offset())) {
            return;
        }
        int at = nextEntryOffset();
        UnsafeBuffer buffer = buffer();
        buffer.putLong(at + TIMESTAMP_FIELD_OFFSET, timestamp, ORDER);
        buffer.putInt(at + RELATIVE_OFFSET_FIELD_OFFSET, relativeOffset, ORDER);
        publishAppend();
    }

    /**
     * The entry with the largest timestamp at most {@code targetTimestamp}: no record before its
     * offset has a timestamp that late, so a search by time starts there. {@code (-1, baseOffset)}
     * if there is none.
     */
    public TimestampOffset lookup(long targetTimestamp) {
        return read(TIMESTAMP, targetTimestamp, ENTRY, none);
    }

    /** The last entry, or {@code (-1, baseOffset)} if the index is empty. */
    public TimestampOffset lastEntry() {
        return read(null, 0, ENTRY, none);
    }

    /** Entry number {@code n}, counting from 0; for the writing thread. */
    public TimestampOffset entry(int n) {
        return entryAt(n, ENTRY);
    }

    /** Removes every entry with an offset at or after {@code offset}. */
    public void truncateTo(long offset) {
        truncateWhereKeyAtLeast(RELATIVE_OFFSET, searchableRelativeOffset(offset));
    }
}
