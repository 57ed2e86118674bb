package io.varve.storage.index;

import io.varve.storage.MappedFileRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The mechanics shared by {@link OffsetIndex} and {@link TimeIndex}: a file of fixed-size,
 * big-endian entries sorted by every field, mapped through {@link MappedFileRegion}; the count of
 * entries found on open without reading them; binary search; truncation; the trim on close.
 *
 * <p><b>Entry count.</b> Opening an index reads a handful of slots, never the whole file, so that a
 * restart costs what the data costs and not what the preallocation does. A file whose last slot holds
 * an entry (trimmed on close, or full) holds exactly {@code length / entrySize} entries. A file whose
 * last slot is all zeros was preallocated and a crash left it untrimmed: its entries are the slots
 * before the first all-zero one, found by binary search. No entry is all zeros (the segment never
 * indexes its first batch, the only one that could give an offset-index entry (0, 0), and a time-index
 * timestamp is positive), so an all-zero slot is unused space; a first entry (0, 0) written anyway is
 * dropped, which loses nothing: it is what a lookup answers when no entry matches. Only the first and
 * the last entry are checked ({@link #corruption()}), as Kafka does; the owning segment checks the last
 * one against its log. Slots after the entries are never read: truncation zeroes the entries it
 * removes, and whatever else a crash left there the owner cuts away ({@link #closeAndCut()}) before an
 * append could make it look like an entry.
 *
 * <p><b>Threads.</b> Appends, truncations, flush and close run on one thread at a time (under the
 * owning log's lock). Lookups may run on any thread concurrently with them, until close: the entry
 * count is a volatile written after the entry's bytes, so a reader never sees a half-written entry;
 * a truncation, which rewrites bytes a reader may be reading, is published through a sequence
 * counter (odd while it runs) that readers check after their read, retrying a bounded number of
 * times before answering "no entry", which is always a safe lower bound.
 */
abstract class AbstractIndex implements AutoCloseable {

    static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    /** Reader retries when truncations keep racing it, before it answers "no entry". */
    private static final int MAX_OPTIMISTIC_READS = 16;

    /** Reads one sorted field of the entry at {@code entryOffset}, as a long. */
    @FunctionalInterface
    interface Key {
        long read(UnsafeBuffer buffer, int entryOffset);
    }

    /** Decodes the entry at {@code entryOffset} into its public form. */
    @FunctionalInterface
    interface EntryReader<T> {
        T read(UnsafeBuffer buffer, int entryOffset, long baseOffset);
    }

    private final long baseOffset;
    private final int entrySize;
    private final boolean writable;
    private final long fileLengthAtOpen;
    /** The file ended in part of an entry that preallocation does not explain. */
    private final boolean partialEntryCorrupt;
    /** Null for a read-only file too short to hold one entry: nothing is mapped. */
    private final MappedFileRegion region;
    private final UnsafeBuffer buffer;
    private final int maxEntries;
    private volatile Path file;
    private volatile int entries;
    /** Bytes of the file known to be backed by disk blocks: the entries, and zeros allocated ahead. */
    private long allocatedEnd;
    /** Sequence counter of truncations: odd while one rewrites entries. */
    private volatile int truncationSequence;
    private volatile boolean closed;

    AbstractIndex(Path file, long baseOffset, int maxIndexSizeBytes, boolean writable, int entrySize)
        throws IOException {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("base offset must not be negative: " + baseOffset + " for " + file);
        }
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.writable = writable;
        this.fileLengthAtOpen = Files.exists(file) ? Files.size(file) : 0;
        this.partialEntryCorrupt = isPartialEntryCorrupt(file);
        int capacity = capacity(file, maxIndexSizeBytes);
        this.region = capacity == 0 ? null : MappedFileRegion.open(file, capacity, !writable);
        this.buffer = region == null ? null : region.buffer();
        this.maxEntries = capacity / entrySize;
    }

    /**
     * Writable: the preallocated size, or the existing file's whole entries if that is more (its
     * entries are kept). Read-only: the existing file's whole entries, which may be none.
     */
    private int capacity(Path path, int maxIndexSizeBytes) throws IOException {
        int existing = roundDown(Math.min(fileLengthAtOpen, Integer.MAX_VALUE));
        if (!writable) {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path.toString(), null, "a read-only index needs its file");
            }
            return existing;
        }
        int preallocated = roundDown(maxIndexSizeBytes);
        if (preallocated < entrySize) {
            throw new IllegalArgumentException("maxIndexSizeBytes " + maxIndexSizeBytes
                + " cannot hold one entry of " + entrySize + " bytes for " + path);
        }
        return Math.max(preallocated, existing);
    }

    /**
     * A length that is not whole entries is corrupt, but for the slack of a preallocated file that a
     * crash left untrimmed: the mapping grows a file to whole pages, so such a file is whole pages
     * and its partial entry is zeros.
     */
    private boolean isPartialEntryCorrupt(Path path) throws IOException {
        int partial = (int) (fileLengthAtOpen % entrySize);
        if (partial == 0) {
            return false;
        }
        if (fileLengthAtOpen % UnsafeApi.pageSize() != 0) {
            return true;
        }
        ByteBuffer slack = ByteBuffer.allocate(partial);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (slack.hasRemaining() && channel.read(slack, fileLengthAtOpen - slack.remaining()) >= 0) {
                // read until the partial entry is in
            }
        }
        for (int i = 0; i < partial; i++) {
            if (slack.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private int roundDown(long bytes) {
        return (int) (bytes - bytes % entrySize);
    }

    /**
     * Counts the entries on open, reading at most about log2(slots) of them; see the class javadoc.
     * Slots past the file's length at open were added by the mapping and are zeros. Called once by each
     * factory.
     */
    final void loadEntries() {
        int slots = (int) Math.min(maxEntries, fileLengthAtOpen / entrySize);
        if (slots == 0 || !isZeroSlot(slots - 1)) {
            entries = slots;
            return;
        }
        int low = 0;
        int high = slots - 1; // the first all-zero slot is in [low, high]
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (isZeroSlot(mid)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        entries = low;
    }

    private boolean isZeroSlot(int slot) {
        int at = slot * entrySize;
        int end = at + entrySize;
        for (; at + Long.BYTES <= end; at += Long.BYTES) {
            if (buffer.getLong(at) != 0) {
                return false;
            }
        }
        for (; at < end; at++) {
            if (buffer.getByte(at) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the entry at {@code at} is valid after the entry at {@code previousAt}: each field
     * strictly greater. {@code previousAt} is -1 for the first entry, which needs only valid fields.
     */
    abstract boolean entryFollows(UnsafeBuffer buffer, int at, int previousAt);

    public final long baseOffset() {
        return baseOffset;
    }

    /** The number of entries; a volatile read, safe on any thread. */
    public final int entries() {
        return entries;
    }

    public final int maxEntries() {
        return maxEntries;
    }

    public final boolean isFull() {
        return entries >= maxEntries;
    }

    public final boolean isWritable() {
        return writable;
    }

    /** Bytes allocated ahead of the entries at a time: a few thousand entries per write of zeros. */
    static final int ALLOCATE_AHEAD_BYTES = 64 * 1024;

    /**
     * Makes sure the next entry's slot is backed by disk blocks ({@link MappedFileRegion#allocate}), so
     * that writing it through the mapping cannot fault on a full disk. Nothing to do when full. The
     * appending thread only.
     *
     * @throws IOException when the file system refuses the space: nothing was written
     */
    public final void reserveEntry() throws IOException {
        if (region == null || !writable || isFull()) {
            return;
        }
        long entriesEnd = (long) entries * entrySize;
        long needed = entriesEnd + entrySize;
        if (needed > allocatedEnd) {
            long from = Math.max(allocatedEnd, entriesEnd);
            long to = Math.min((long) maxEntries * entrySize, Math.max(needed, from + ALLOCATE_AHEAD_BYTES));
            region.allocate(from, to);
            allocatedEnd = to;
        }
    }

    public final Path file() {
        return file;
    }

    /** Bytes the entries take, which is the file's length once closed. */
    public final int sizeInBytes() {
        return entries * entrySize;
    }

    /** Whether {@code offset} is at or after the base offset and close enough to it to be indexed. */
    public final boolean canAppendOffset(long offset) {
        return offset >= baseOffset && offset - baseOffset <= Integer.MAX_VALUE;
    }

    /**
     * Why the file cannot be trusted, if it cannot: a length that is not a whole number of entries
     * (but for the zero slack that the mapping's page rounding leaves in an untrimmed preallocated
     * file), a first entry with a negative field (or a zero timestamp), or a last entry that does not
     * follow the one before it. The entries between are not read (as in Kafka): the owning segment
     * checks the last entry against its log, and rebuilds an index that fails either check. Reads at
     * most three entries.
     */
    public final Optional<String> corruption() {
        ensureOpen();
        if (partialEntryCorrupt) {
            return Optional.of(file + ": length " + fileLengthAtOpen + " is not a multiple of the entry size "
                + entrySize);
        }
        int count = entries;
        if (count > 0 && !entryFollows(buffer, 0, -1)) {
            return Optional.of(file + ": the first entry has a negative field or a zero timestamp (garbage)");
        }
        if (count > 1 && !entryFollows(buffer, (count - 1) * entrySize, (count - 2) * entrySize)) {
            return Optional.of(file + ": the last of " + count + " entries is not after the one before it"
                + " (an entry out of order, garbage or a torn write)");
        }
        return Optional.empty();
    }

    /** {@code corruption().isPresent()}. */
    public final boolean isCorrupt() {
        return corruption().isPresent();
    }

    /**
     * Whether the file held more than its entries when it was opened: a preallocated file a crash left
     * untrimmed, whose slots after the entries the owner cuts away with {@link #closeAndCut()}.
     */
    public final boolean isUntrimmed() {
        return fileLengthAtOpen > (long) entries * entrySize;
    }

    /** {@code offset - baseOffset}, checked to fit an entry's int32 field. */
    final int relativeOffset(long offset) {
        if (!canAppendOffset(offset)) {
            throw new IllegalArgumentException("offset " + offset + " is not within int range above base offset "
                + baseOffset + " of " + file);
        }
        return (int) (offset - baseOffset);
    }

    /** The relative offset to search for: -1 (before every entry) for an offset below the base. */
    final long searchableRelativeOffset(long offset) {
        return offset < baseOffset ? -1 : offset - baseOffset;
    }

    /**
     * Reads, consistently with concurrent writers, the entry with the largest key at most {@code
     * target}, or the last entry when {@code key} is null; {@code none} when there is no such entry.
     */
    final <T> T read(Key key, long target, EntryReader<T> reader, T none) {
        ensureOpen();
        for (int attempt = 0; attempt < MAX_OPTIMISTIC_READS; attempt++) {
            int sequence = truncationSequence;
            if ((sequence & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            int count = entries;
            int slot = key == null ? count - 1 : countAtMost(key, target, count) - 1;
            T result = slot < 0 ? none : reader.read(buffer, slot * entrySize, baseOffset);
            VarHandle.acquireFence();
            if (truncationSequence == sequence) {
                return result;
            }
        }
        return none;
    }

    /** The entry in {@code slot}, for the writing thread (no guard against a racing truncation). */
    final <T> T entryAt(int slot, EntryReader<T> reader) {
        ensureOpen();
        if (slot < 0 || slot >= entries) {
            throw new IndexOutOfBoundsException("entry " + slot + " of " + entries + " in " + file);
        }
        return reader.read(buffer, slot * entrySize, baseOffset);
    }

    /** Binary search: how many of the first {@code count} entries have a key at most {@code target}. */
    private int countAtMost(Key key, long target, int count) {
        int low = 0;
        int high = count;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (key.read(buffer, mid * entrySize) <= target) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * Where the next entry goes, after checking the index can take one.
     *
     * @throws IllegalStateException if read-only, closed or full
     */
    final int nextEntryOffset() {
        ensureWritable();
        if (isFull()) {
            throw new IllegalStateException("index is full at " + entries + " entries: " + file);
        }
        return entries * entrySize;
    }

    /** Publishes the entry just written at {@link #nextEntryOffset()} to readers. */
    final void publishAppend() {
        entries = entries + 1;
    }

    final UnsafeBuffer buffer() {
        return buffer;
    }

    /** Removes every entry whose {@code key} is at least {@code target}. */
    final void truncateWhereKeyAtLeast(Key key, long target) {
        ensureWritable();
        int count = entries;
        int keep = target == Long.MIN_VALUE ? 0 : countAtMost(key, target - 1, count);
        truncateToEntries(keep);
    }

    /** Removes all entries and zeroes the bytes they took. */
    public final void reset() {
        ensureWritable();
        truncateToEntries(0);
    }

    private void truncateToEntries(int keep) {
        int count = entries;
        if (keep >= count) {
            return;
        }
        truncationSequence = truncationSequence + 1;
        entries = keep;
        // The zeroing must not become visible before readers can see the odd sequence.
        VarHandle.storeStoreFence();
        buffer.setMemory(keep * entrySize, (count - keep) * entrySize, (byte) 0);
        truncationSequence = truncationSequence + 1;
    }

    /**
     * Forces the entries to the storage device.
     *
     * @throws IOException when the device fails: the caller must treat the entries as lost
     */
    public final void flush() throws IOException {
        ensureOpen();
        if (writable && region != null) {
            region.force(sizeInBytes());
        }
    }

    /**
     * Renames the file, mapped or not (Linux keeps the mapping). The index goes on at the new path.
     */
    public final void renameTo(Path newFile) throws IOException {
        Files.move(file, newFile, StandardCopyOption.ATOMIC_MOVE);
        file = newFile;
    }

    /**
     * Unmaps the file; a writable index then trims it to its entries. Idempotent. Only once no
     * reader can still look up: a lookup after the unmapping would fault.
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (region != null) {
            region.close();
        }
        if (writable) {
            trimFile(sizeInBytes());
        }
    }

    /**
     * Unmaps the file, read-only or not, and cuts it to its entries durably (fsync): the repair of an
     * untrimmed index at load, so that nothing after the entries can ever be read as one. Idempotent.
     *
     * @throws IOException when the file cannot be cut or synced
     */
    public final void closeAndCut() throws IOException {
        if (!closed) {
            closed = true;
            if (region != null) {
                region.close();
            }
        }
        MappedFileRegion.cut(file, sizeInBytes(), true);
    }

    /** Unmaps (without trimming) and deletes the file. */
    public final void closeAndDelete() throws IOException {
        if (!closed) {
            closed = true;
            if (region != null) {
                region.close();
            }
        }
        Files.deleteIfExists(file);
    }

    /** Cuts the file to {@code size}; only after the unmapping (a mapped file is never truncated). */
    private void trimFile(long size) {
        try {
            MappedFileRegion.cut(file, size, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not trim " + file + " to " + size + " bytes", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("index is closed: " + file);
        }
    }

    private void ensureWritable() {
        ensureOpen();
        if (!writable) {
            throw new IllegalStateException("index is read-only: " + file);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + '{' + file + ", baseOffset=" + baseOffset + ", entries=" + entries
            + '/' + maxEntries + (writable ? "" : ", read-only") + (closed ? ", closed" : "") + '}';
    }
}
