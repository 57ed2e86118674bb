package io.varve.storage.index;

import java.io.IOException;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sparse offset index of a segment, {@code <20-digit baseOffset>.index}: every so many bytes of
 * the {@code .log}, the offset of a record batch and the byte position where it starts, so a fetch
 * can jump near its offset and scan forward from there.
 *
 * <p>File format, Kafka's: a sequence of 8-byte big-endian entries, sorted, each field strictly
 * increasing from one entry to the next.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          relative offset = offset - baseOffset (int32)        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            position of the batch in the .log (int32)          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        next entry ...                         |
 * </pre>
 * A writable index is preallocated to {@code maxIndexSizeBytes} (rounded down to whole entries) and
 * trimmed to exactly {@code entries * 8} bytes on close; a read-only one maps the file as it is.
 * On open the entries are counted from the file's length, or, in a file a crash left preallocated, by
 * a binary search for the first all-zero slot; a first entry of (0, 0) is never counted, which loses
 * nothing since every lookup falls back to (baseOffset, 0). The entries are not read; see {@link
 * #corruption()} for the few that are checked.
 *
 * <p>Thread-safety: {@link #append}, the truncations, {@link #flush()} and {@link #close()} run
 * under the owning log's lock. {@link #lookup}, {@link #lastOffset()} and {@link #entries()} are
 * safe on any thread concurrently with them until close: the entry count is published (volatile)
 * after the entry's bytes, and readers detect and retry a concurrent truncation.
 */
public final class OffsetIndex extends AbstractIndex {

    public static final int ENTRY_SIZE = 8;
    public static final int RELATIVE_OFFSET_FIELD_OFFSET = 0;
    public static final int POSITION_FIELD_OFFSET = 4;

    private static final Key RELATIVE_OFFSET = (buffer, at) -> buffer.getInt(at + RELATIVE_OFFSET_FIELD_OFFSET, ORDER);
    private static final Key POSITION = (buffer, at) -> buffer.getInt(at + POSITION_FIELD_OFFSET, ORDER);
    private static final EntryReader<OffsetPosition> ENTRY = (buffer, at, base) -> new OffsetPosition(
        base + buffer.getInt(at + RELATIVE_OFFSET_FIELD_OFFSET, ORDER), buffer.getInt(at + POSITION_FIELD_OFFSET, ORDER));

    private final OffsetPosition none;

    private OffsetIndex(Path file, long baseOffset, int maxIndexSizeBytes, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSizeBytes, writable, ENTRY_SIZE);
        this.none = new OffsetPosition(baseOffset, 0);
    }

    /**
     * Opens (a writable index creates) {@code file}. Writable: mapped at {@code maxIndexSizeBytes}
     * rounded down to whole entries, or at the file's length if more. Read-only: mapped at the file's
     * length, which may be zero (no entries); the file must exist.
     *
     * @throws IllegalArgumentException if a writable index could not hold one entry
     */
    public static OffsetIndex open(Path file, long baseOffset, int maxIndexSizeBytes, boolean writable)
        throws IOException {
        OffsetIndex index = new OffsetIndex(file, baseOffset, maxIndexSizeBytes, writable);
        index.loadEntries();
        return index;
    }

    @Override
    boolean entryFollows(UnsafeBuffer buffer, int at, int previousAt) {
        int relativeOffset = buffer.getInt(at + RELATIVE_OFFSET_FIELD_OFFSET, ORDER);
        int position = buffer.getInt(at + POSITION_FIELD_OFFSET, ORDER);
        if (previousAt < 0) {
            return relativeOffset >= 0 && position >= 0;
        }
        return relativeOffset > buffer.getInt(previousAt + RELATIVE_OFFSET_FIELD_OFFSET, ORDER)
            && position > buffer.getInt(previousAt + POSITION_FIELD_OFFSET, ORDER);
    }

    /**
     * Adds the entry {@code (offset, position)}.
     *
     * @throws IllegalArgumentException if {@code offset - baseOffset} does not fit an int32 or is
     *     negative, or {@code position} is negative
     * @throws IllegalStateException if the index is full, read-only or closed, or the entry is not
     *     strictly after the last one in both offset and position
     */
    public void append(long offset, int position) {
        int relativeOffset = relativeOffset(offset);
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative: " + position + " in " + file());
        }
        int at = nextEntryOffset();
        if (entries() > 0) {
            OffsetPosition last = lastEntry();
            if (offset <= last.offset() || position <= last.position()) {
                throw new IllegalStateException("entry (" + offset + ", " + position + ") is not after the last entry "
                    + last + " in " + file());
            }
        }
        UnsafeBuffer buffer = buffer();
        buffer.putInt(at + RELATIVE_OFFSET_FIELD_OFFSET, relativeOffset, ORDER);
        buffer.putInt(at + POSITION_FIELD_OFFSET, position, ORDER);
        publishAppend();
    }

    /**
     * The entry with the largest offset at most {@code targetOffset}: where to start scanning the
     * {@code .log} for it. {@code (baseOffset, 0)} if there is none.
     */
    public OffsetPosition lookup(long targetOffset) {
        return read(RELATIVE_OFFSET, searchableRelativeOffset(targetOffset), ENTRY, none);
    }

    /** The last entry, or {@code (baseOffset, 0)} if the index is empty. */
    public OffsetPosition lastEntry() {
        return read(null, 0, ENTRY, none);
    }

    /** The offset of the last entry, or the base offset if the index is empty. */
    public long lastOffset() {
        return lastEntry().offset();
    }

    /** Entry number {@code n}, counting from 0; for the writing thread. */
    public OffsetPosition entry(int n) {
        return entryAt(n, ENTRY);
    }

    /** Removes every entry with an offset at or after {@code offset}. */
    public void truncateTo(long offset) {
        truncateWhereKeyAtLeast(RELATIVE_OFFSET, searchableRelativeOffset(offset));
    }

    /** Removes every entry with a position at or after {@code position}: recovery cut the log there. */
    public void truncateToPosition(int position) {
        truncateWhereKeyAtLeast(POSITION, position);
    }
}
