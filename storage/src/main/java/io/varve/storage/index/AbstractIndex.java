package io.varve.storage.index;

import io.varve.storage.MappedFileRegion;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The mechanics shared by {@link OffsetIndex} and {@link TimeIndex}: a file of fixed-size,
 * big-endian entries sorted by every field, mapped through {@link MappedFileRegion}; the count of
 * entries found by a scan on open; binary search; truncation; the trim on close.
 *
 * <p><b>Entry count.</b> A writable index is preallocated, so after a crash its file holds the
 * entries followed by zeros. On open the count is the length of the longest prefix in which every
 * entry {@linkplain #entryFollows follows} the one before it (strictly greater in each field); the
 * scan stops at the first entry that does not, and at a first entry of all zero bytes, which cannot
 * be told from unused space. Dropping such an entry loses nothing: it points at the base offset,
 * which is what a lookup answers when no entry matches. Truncation zeroes the entries it removes,
 * so stale entries never come back after a crash; bytes after the last entry are therefore zero,
 * and any that are not make the index {@linkplain #corruption() corrupt}.
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
    /** Whether the bytes after the last whole entry's worth of the file (not mapped) hold anything. */
    private final boolean partialEntryNonZero;
    /** Null for a read-only file too short to hold one entry: nothing is mapped. */
    private final MappedFileRegion region;
    private final UnsafeBuffer buffer;
    private final int maxEntries;
    private volatile Path file;
    private volatile int entries;
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
        this.partialEntryNonZero = partialEntryNonZero(file, fileLengthAtOpen, entrySize);
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
     * Reads the bytes of a trailing partial entry, which are never mapped. A preallocated file left
     * untrimmed by a crash is as long as the mapper made it (a whole number of pages, not of
     * entries) and ends in zeros there; anything else in those bytes is damage.
     */
    private static boolean partialEntryNonZero(Path file, long length, int entrySize) throws IOException {
        int partial = (int) (length % entrySize);
        if (partial == 0) {
            return false;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[partial];
            raf.seek(length - partial);
            raf.readFully(bytes);
            for (byte b : bytes) {
                if (b != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    private int roundDown(long bytes) {
        return (int) (bytes - bytes % entrySize);
    }

    /** Counts the entries on open; see the class javadoc. Called once by each factory. */
    final void loadEntries() {
        int count = 0;
        while (count < maxEntries && isEntry(count)) {
            count++;
        }
        entries = count;
    }

    private boolean isEntry(int slot) {
        int at = slot * entrySize;
        if (slot == 0) {
            return firstNonZeroByte(0, entrySize) >= 0 && entryFollows(buffer, at, -1);
        }
        return entryFollows(buffer, at, at - entrySize);
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
     * Why the file cannot be trusted, if it cannot: non-zero bytes after the last entry (an entry
     * out of order, a negative field, garbage or a torn write), including a trailing partial entry.
     * A length that is not a whole number of entries but ends in zeros is an untrimmed preallocated
     * file (the mapper rounds files to pages), not damage. The owning log deletes and rebuilds a corrupt index. Reads the whole mapping:
     * meant for load time.
     */
    public final Optional<String> corruption() {
        ensureOpen();
        if (partialEntryNonZero) {
            return Optional.of(file + ": length " + fileLengthAtOpen + " is not a multiple of the entry size "
                + entrySize + " and the partial entry at the end is not zero");
        }
        int used = entries * entrySize;
        int nonZero = firstNonZeroByte(used, maxEntries * entrySize);
        if (nonZero >= 0) {
            return Optional.of(file + ": byte " + nonZero + " after the last of " + entries
                + " entries is not zero (an entry out of order, a negative field, garbage or a torn write)");
        }
        return Optional.empty();
    }

    /** {@code corruption().isPresent()}. */
    public final boolean isCorrupt() {
        return corruption().isPresent();
    }

    private int firstNonZeroByte(int from, int to) {
        int at = from;
        for (; at + Long.BYTES <= to; at += Long.BYTES) {
            if (buffer.getLong(at) != 0) {
                break;
            }
        }
        for (; at < to; at++) {
            if (buffer.getByte(at) != 0) {
                return at;
            }
        }
        return -1;
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
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() > size) {
                raf.setLength(size);
            }
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
