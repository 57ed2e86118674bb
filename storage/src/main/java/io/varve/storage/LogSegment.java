package io.varve.storage;

import io.varve.config.LogConfig;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.checkpoint.AtomicFiles;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.index.OffsetIndex;
import io.varve.storage.index.OffsetPosition;
import io.varve.storage.index.TimeIndex;
import io.varve.storage.index.TimestampOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One segment of a partition log: a memory-mapped {@code .log} file of RecordBatch v2 batches, and
 * its sparse {@code .index} (offset to position) and {@code .timeindex} (timestamp to offset).
 *
 * <p>A writable segment maps its file at a fixed capacity ({@code log.segment.bytes}, preallocated
 * and sparse) and is trimmed to its real size when it is closed; a sealed segment loaded from disk
 * maps exactly its file, read-only. Making a sealed segment writable again (a truncation that reaches
 * back into it) opens a new {@code LogSegment} over the same files; the old object lives on until its
 * last reader is done.
 *
 * <p>Thread-safety: {@link #append}, {@link #truncateTo}, {@link #recover} and {@link #flush} are
 * called by the log's single writer. Reads ({@link #read}, {@link #translateOffset},
 * {@link #findOffsetByTimestamp}) run on any thread: they look only at bytes below {@link #size()},
 * a volatile written after the batch bytes and the index entries, so no reader sees half a batch.
 * A reader first {@link #tryRetain()}s the segment; the mapping is released, and the files trimmed or
 * deleted, when the owner's reference and every reader's are gone.
 */
final class LogSegment {

    /** What happens to the files when the last reference goes. */
    private enum Disposal { UNMAP, TRIM, DELETE }

    private final Path dir;
    private final long baseOffset;
    private final boolean writable;
    private final int indexIntervalBytes;
    private final MappedFileRegion log;   // null for an empty sealed segment: a 0-byte file cannot be mapped
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final RecordBatchFlyweight writerBatch = new RecordBatchFlyweight();
    private final AtomicInteger refs = new AtomicInteger(1);

    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = -1;
    private volatile Disposal disposal = Disposal.TRIM;
    private long offsetOfMaxTimestamp;
    private int bytesSinceLastIndexEntry;
    private long createdMs;
    private volatile boolean largestTimestampKnown;

    private LogSegment(Path dir, long baseOffset, boolean writable, int indexIntervalBytes, MappedFileRegion log,
                       OffsetIndex offsetIndex, TimeIndex timeIndex, long createdMs) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.writable = writable;
        this.indexIntervalBytes = indexIntervalBytes;
        this.log = log;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.createdMs = createdMs;
        this.nextOffset = baseOffset;
        this.offsetOfMaxTimestamp = baseOffset;
    }

    /** Creates a new, empty, writable segment at {@code baseOffset}. */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, long nowMs) throws IOException {
        Files.deleteIfExists(LogFileNames.logFile(dir, baseOffset));
        Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, baseOffset));
        Files.deleteIfExists(LogFileNames.timeIndexFile(dir, baseOffset));
        LogSegment segment = open(dir, baseOffset, config, true);
        segment.createdMs = nowMs;
        segment.largestTimestampKnown = true;
        return segment;
    }

    /**
     * Opens the files of an existing segment. Its size is unknown until the caller either trusts the
     * file length ({@link #loadCleanSize()}) or walks it ({@link #recover}).
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, boolean writable) throws IOException {
        Path logFile = LogFileNames.logFile(dir, baseOffset);
        long fileLength = Files.exists(logFile) ? Files.size(logFile) : 0;
        MappedFileRegion log = null;
        OffsetIndex offsetIndex = null;
        try {
            if (writable) {
                long capacity = Math.max(Math.max(config.segmentBytes(), config.maxMessageBytes()), fileLength);
                log = MappedFileRegion.open(logFile, (int) Math.min(capacity, Integer.MAX_VALUE), false);
            } else if (fileLength > 0) {
                log = MappedFileRegion.open(logFile, (int) Math.min(fileLength, Integer.MAX_VALUE), true);
            }
            offsetIndex = OffsetIndex.open(LogFileNames.offsetIndexFile(dir, baseOffset), baseOffset,
                config.maxIndexSizeBytes(), writable);
            TimeIndex timeIndex = TimeIndex.open(LogFileNames.timeIndexFile(dir, baseOffset), baseOffset,
                config.maxIndexSizeBytes(), writable);
            long createdMs = Files.exists(logFile) ? Files.getLastModifiedTime(logFile).toMillis() : 0;
            return new LogSegment(dir, baseOffset, writable, config.indexIntervalBytes(), log, offsetIndex,
                timeIndex, createdMs);
        } catch (IOException | RuntimeException e) {
            if (offsetIndex != null) {
                offsetIndex.close();
            }
            if (log != null) {
                log.close();
            }
            throw e;
        }
    }

    long baseOffset() {
        return baseOffset;
    }

    boolean isWritable() {
        return writable;
    }

    /** Valid bytes: everything below is whole, validated batches. */
    int size() {
        return size;
    }

    /** The offset after the last batch, or the base offset when empty. */
    long nextOffset() {
        return nextOffset;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Wall-clock time of the first append (or the file's modification time for a loaded segment). */
    long createdMs() {
        return createdMs;
    }

    boolean isFull(int segmentBytes, int batchBytes) {
        return size > 0 && ((long) size + batchBytes > segmentBytes || offsetIndex.isFull() || timeIndex.isFull());
    }

    /** Whether this segment can hold {@code batchBytes} more and an offset up to {@code lastOffset}. */
    boolean canHold(int batchBytes, long lastOffset) {
        return log != null && (long) size + batchBytes <= log.capacity() && lastOffset - baseOffset <= Integer.MAX_VALUE;
    }

    // ---------------------------------------------------------------------------------------------
    // Writer side
    // ---------------------------------------------------------------------------------------------

    /**
     * Copies one validated batch to the end of the segment, stamps its base offset and leader epoch
     * (both outside the CRC), indexes it, then publishes the new size. The caller checked
     * {@link #canHold}.
     */
    void append(DirectBuffer src, int srcOffset, int length, long assignedBaseOffset, int leaderEpoch) {
        requireWritable();
        int position = size;
        UnsafeBuffer dst = log.buffer();
        dst.putBytes(position, src, srcOffset, length);
        RecordBatchFlyweight batch = writerBatch.wrap(dst, position);
        if (assignedBaseOffset >= 0) {
            batch.baseOffset(assignedBaseOffset);
            batch.partitionLeaderEpoch(leaderEpoch);
        }
        onBatchAppended(batch, position);
        size = position + length;
    }

    private void onBatchAppended(RecordBatchFlyweight batch, int position) {
        long batchMaxTimestamp = batch.maxTimestamp();
        // largestTimestamp(), not the field: a segment sized by a header walk has not computed it yet,
        // and a time index entry from a stale running max would go back in offset.
        if (batchMaxTimestamp > largestTimestamp()) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = batch.lastOffset();
        }
        if (bytesSinceLastIndexEntry >= indexIntervalBytes && position > 0 || indexIntervalBytes == 0) {
            // Never (baseOffset, 0): it is what a lookup answers anyway, and an all-zero first entry
            // reads as empty space on open, which made every later entry look like garbage.
            if (position > 0 && !offsetIndex.isFull()) {
                offsetIndex.append(batch.baseOffset(), position);
            }
            if (!timeIndex.isFull()) {
                timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batch.sizeInBytes();
        nextOffset = batch.nextOffset();
    }

    /** How a header walk of a loaded segment ended. */
    enum WalkEnd {
        /** The batches tile the file exactly: a segment trimmed by a clean shutdown. */
        END_OF_FILE,
        /** The batches are followed by zeros only: an untrimmed, preallocated segment. */
        ZERO_TAIL,
        /** Something that is neither a batch header nor zeros, or a corrupt index: recover it. */
        GARBAGE
    }

    /**
     * Sizes a loaded segment cheaply: walks batch headers (magic, length, increasing offsets; no
     * CRC) from the last offset-index entry to the first implausible header, and takes that as the
     * end. Used for segments the recovery point says were flushed.
     */
    WalkEnd loadByHeaderWalk() throws IOException {
        if (offsetIndex.isCorrupt() || timeIndex.isCorrupt()) {
            return WalkEnd.GARBAGE;
        }
        int length = log == null ? 0 : (int) Math.min(Files.size(log.path()), log.capacity());
        boolean indexed = offsetIndex.entries() > 0;
        int position = indexed ? offsetIndex.lookup(Long.MAX_VALUE).position() : 0;
        long next = indexed ? offsetIndex.lastOffset() : baseOffset;
        if (position > length) {
            return WalkEnd.GARBAGE;
        }
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        while (position + RecordBatchFlyweight.HEADER_SIZE <= length) {
            batch.wrap(log.buffer(), position);
            int batchLength = batch.batchLength();
            boolean plausible = batch.magic() == RecordBatchFlyweight.MAGIC && batch.baseOffset() >= next
                && batchLength >= RecordBatchFlyweight.HEADER_SIZE - RecordBatchFlyweight.LOG_OVERHEAD
                && batchLength <= length - position - RecordBatchFlyweight.LOG_OVERHEAD;
            if (!plausible) {
                break;
            }
            next = batch.nextOffset();
            position += batch.sizeInBytes();
        }
        size = position;
        nextOffset = next;
        if (position == length) {
            return WalkEnd.END_OF_FILE;
        }
        return lastNonZero(log.buffer(), position, length) == position ? WalkEnd.ZERO_TAIL : WalkEnd.GARBAGE;
    }

    /**
     * Walks every batch from the start, validating header, CRC and offsets; rebuilds both indexes;
     * stops at the first invalid batch or the zero-filled tail and zeroes everything after it.
     *
     * @param maxBatchBytes the largest batch considered valid
     * @param epochs        told of every valid batch's leader epoch, in order
     * @return what was found
     */
    RecoveryResult recover(int maxBatchBytes, EpochListener epochs) {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = -1;
        offsetOfMaxTimestamp = baseOffset;
        largestTimestampKnown = true; // rebuilt batch by batch below, never from bytes not yet validated
        bytesSinceLastIndexEntry = 0;
        nextOffset = baseOffset;
        int limit = log == null ? 0 : log.capacity();
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int position = 0;
        int batches = 0;
        BatchStatus stop = BatchStatus.ZERO_FILLED;
        while (position < limit) {
            batch.wrap(log.buffer(), position);
            BatchStatus status = batch.validateHeaderAndCrc(limit - position, maxBatchBytes);
            if (status.isOk()) {
                status = batch.validateStoredRecords(); // compacted batches have offset gaps
            }
            if (status.isOk() && (batch.baseOffset() < nextOffset || batch.lastOffsetDelta() < 0)) {
                status = BatchStatus.OFFSET_DELTA_MISMATCH;
            }
            if (!status.isOk()) {
                stop = status;
                break;
            }
            epochs.onBatch(batch.partitionLeaderEpoch(), batch.baseOffset());
            onBatchAppended(batch, position);
            position += batch.sizeInBytes();
            batches++;
        }
        if (position >= limit) {
            stop = BatchStatus.OK;
        }
        int truncatedBytes = zeroTail(position, limit);
        size = position;
        largestTimestampKnown = true;
        return new RecoveryResult(batches, position, truncatedBytes, stop);
    }

    /** The outcome of {@link #recover}. {@code stoppedAt} is ZERO_FILLED or OK for a clean end. */
    record RecoveryResult(int batches, int validBytes, int truncatedBytes, BatchStatus stoppedAt) {
        boolean foundCorruption() {
            return stoppedAt != BatchStatus.OK && stoppedAt != BatchStatus.ZERO_FILLED;
        }
    }

    /** Called for each batch recovery keeps. */
    interface EpochListener {
        void onBatch(int epoch, long baseOffset);
    }

    private int zeroTail(int from, int limit) {
        if (log == null || !writable) {
            return Math.max(0, limit - from);
        }
        // Only the bytes up to the last non-zero one need clearing: the rest is preallocated zeros.
        UnsafeBuffer buffer = log.buffer();
        int dirtyEnd = lastNonZero(buffer, from, limit);
        buffer.setMemory(from, dirtyEnd - from, (byte) 0);
        return dirtyEnd - from;
    }

    /** The end of the last non-zero byte in {@code [from, limit)}, or {@code from}. */
    private static int lastNonZero(UnsafeBuffer buffer, int from, int limit) {
        int last = from;
        int position = from;
        int aligned = limit - ((limit - from) & 7);
        for (; position < aligned; position += Long.BYTES) {
            if (buffer.getLong(position) != 0) {
                last = position + Long.BYTES;
            }
        }
        for (; position < limit; position++) {
            if (buffer.getByte(position) != 0) {
                last = position + 1;
            }
        }
        // Scanned by words: narrow the last non-zero word to its last non-zero byte, so that the
        // bytes reported truncated are exactly the non-zero ones.
        while (last > from && buffer.getByte(last - 1) == 0) {
            last--;
        }
        return last;
    }

    /**
     * Removes every batch whose last offset is at or after {@code offset}: the batch that contains
     * {@code offset} goes too. Zeroes the removed bytes so that recovery can never bring them back.
     *
     * @return the bytes removed
     */
    int truncateTo(long offset) {
        requireWritable();
        int position = translateOffset(offset);
        if (position < 0) {
            return 0;
        }
        int oldSize = size;
        size = position;
        offsetIndex.truncateTo(offset);
        offsetIndex.truncateToPosition(position);
        timeIndex.truncateTo(offset);
        log.buffer().setMemory(position, oldSize - position, (byte) 0);
        rebuildWriterState();
        return oldSize - position;
    }

    /** After a truncation: next offset, max timestamp and index spacing from the batches that remain. */
    private void rebuildWriterState() {
        OffsetPosition start = offsetIndex.lookup(Long.MAX_VALUE);
        int position = offsetIndex.entries() == 0 ? 0 : start.position();
        long next = offsetIndex.entries() == 0 ? baseOffset : start.offset();
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int sinceEntry = 0;
        while (position < size) {
            batch.wrap(log.buffer(), position);
            next = batch.nextOffset();
            sinceEntry += batch.sizeInBytes();
            position += batch.sizeInBytes();
        }
        nextOffset = next;
        bytesSinceLastIndexEntry = sinceEntry;
        maxTimestamp = -1;
        largestTimestampKnown = false;
        computeLargestTimestamp();
    }

    // ---------------------------------------------------------------------------------------------
    // Reader side
    // ---------------------------------------------------------------------------------------------

    /**
     * The position of the batch that contains {@code offset} (its last offset is at or after it),
     * or -1 when every batch ends before it. Starts from the offset index and walks batch headers.
     */
    int translateOffset(long offset) {
        return translateOffset(offset, size, new RecordBatchFlyweight());
    }

    /** {@link #translateOffset(long)} below {@code limit}, walking with the caller's flyweight. */
    private int translateOffset(long offset, int limit, RecordBatchFlyweight batch) {
        if (limit == 0) {
            return -1;
        }
        int position = offsetIndex.lookup(offset).position();
        while (position + RecordBatchFlyweight.HEADER_SIZE <= limit) {
            batch.wrap(log.buffer(), position);
            if (batch.lastOffset() >= offset) {
                return position;
            }
            position += batch.sizeInBytes();
        }
        return -1;
    }

    /**
     * Whole batches from the one containing {@code offset}, up to {@code maxBytes} — but always the
     * first batch whole, however large, so a reader can make progress. Returns null if no batch of
     * this segment contains or follows {@code offset}. The caller holds a reference.
     */
    UnsafeBuffer read(long offset, int maxBytes) {
        int limit = size; // one snapshot for the whole read: batches below it are whole
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int start = translateOffset(offset, limit, batch);
        if (start < 0) {
            return null;
        }
        int end = start;
        while (end + RecordBatchFlyweight.HEADER_SIZE <= limit) {
            int batchSize = batch.wrap(log.buffer(), end).sizeInBytes();
            if (end > start && end - start + (long) batchSize > maxBytes) {
                break;
            }
            end += batchSize;
        }
        return new UnsafeBuffer(log.buffer(), start, end - start);
    }

    /**
     * The position of the first batch that ends at or after {@code startingOffset} and whose max
     * timestamp is at least {@code timestamp}, or -1. Uses the time index to skip ahead, then walks
     * batch headers.
     */
    int findPositionByTimestamp(long timestamp, long startingOffset) {
        int limit = size;
        if (limit == 0) {
            return -1;
        }
        TimestampOffset hint = timeIndex.lookup(timestamp - 1);
        int position = translateOffset(Math.max(hint.offset(), startingOffset));
        if (position < 0) {
            return -1;
        }
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        while (position + RecordBatchFlyweight.HEADER_SIZE <= limit) {
            batch.wrap(log.buffer(), position);
            if (batch.maxTimestamp() >= timestamp) {
                return position;
            }
            position += batch.sizeInBytes();
        }
        return -1;
    }

    /** The mapped bytes of this segment, for callers that walk batches themselves. */
    UnsafeBuffer buffer() {
        return log.buffer();
    }

    /** Largest record timestamp in the segment, -1 if empty; computed once by a header walk if needed. */
    long largestTimestamp() {
        if (!largestTimestampKnown) {
            computeLargestTimestamp();
        }
        return maxTimestamp;
    }

    private synchronized void computeLargestTimestamp() {
        if (largestTimestampKnown) {
            return;
        }
        long max = -1;
        long offsetOfMax = baseOffset;
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int limit = size;
        for (int position = 0; position + RecordBatchFlyweight.HEADER_SIZE <= limit; position += batch.sizeInBytes()) {
            batch.wrap(log.buffer(), position);
            if (batch.maxTimestamp() > max) {
                max = batch.maxTimestamp();
                offsetOfMax = batch.lastOffset();
            }
        }
        maxTimestamp = max;
        offsetOfMaxTimestamp = offsetOfMax;
        largestTimestampKnown = true;
    }

    // ---------------------------------------------------------------------------------------------
    // Durability and lifecycle
    // ---------------------------------------------------------------------------------------------

    /** Forces the log bytes and both indexes to the device. */
    void flush() throws IOException {
        if (log != null) {
            log.force(size);
        }
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Takes a reader's reference; false if the segment is already being disposed of. */
    boolean tryRetain() {
        while (true) {
            int current = refs.get();
            if (current <= 0) {
                return false;
            }
            if (refs.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a reference; the last one disposes of the mapping and the files. */
    void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            dispose();
        } else if (left < 0) {
            throw new IllegalStateException("segment " + baseOffset + " of " + dir + " released too often");
        }
    }

    /** The owner is done: unmap (trimming a writable segment) once the last reader is gone. */
    void close() {
        disposal = writable ? Disposal.TRIM : Disposal.UNMAP;
        release();
    }

    /** The owner hands over to another object on the same files: unmap only, never trim or delete. */
    void closeForReplacement() {
        disposal = Disposal.UNMAP;
        release();
    }

    /**
     * Deletes the segment: renames its files to {@code .deleted} now, so that a crash cannot bring
     * it back, and removes them once the last reader is gone.
     */
    void delete() throws IOException {
        renameToDeleted();
        release();
    }

    /**
     * The first half of {@link #delete()}: renames the files to {@code .deleted} and marks them for
     * deletion, but keeps the owner's reference, so readers go on finding the segment until the owner
     * puts its replacement in place (a cleaned segment takes the same file names) and calls
     * {@link #release()}. Disposal never touches a file by its old name, so it cannot trim or delete the
     * replacement's files.
     */
    void renameToDeleted() throws IOException {
        Path logFile = LogFileNames.logFile(dir, baseOffset);
        if (Files.exists(logFile)) {
            Files.move(logFile, LogFileNames.deletedFile(logFile), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        }
        offsetIndex.renameTo(LogFileNames.deletedFile(offsetIndex.file()));
        timeIndex.renameTo(LogFileNames.deletedFile(timeIndex.file()));
        disposal = Disposal.DELETE;
    }

    /**
     * The file half of swapping in a cleaned copy of the sealed segment {@code old} (the log holds its
     * lock): renames {@code old}'s files to {@code .deleted} (its readers keep its mapping), moves
     * {@code swapFile} to {@code <base>.log}, opens it and rebuilds its indexes, checks it ends where
     * {@code old} ended, flushes it and fsyncs the directory. The caller publishes the returned segment
     * and then {@link #release()}s {@code old}.
     */
    static LogSegment swapInCleaned(Path dir, LogConfig config, LogSegment old, Path swapFile) throws IOException {
        long expectedNext = old.nextOffset();
        old.renameToDeleted();
        Files.move(swapFile, LogFileNames.logFile(dir, old.baseOffset()), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        LogSegment fresh = open(dir, old.baseOffset(), config, true);
        RecoveryResult result = fresh.recover(Math.max(config.maxMessageBytes(), config.segmentBytes()), (epoch, offset) -> { });
        if (result.foundCorruption() || fresh.nextOffset() != expectedNext) {
            fresh.closeForReplacement();
            throw new IOException("cleaned segment " + old.baseOffset() + " of " + dir + " reads back wrong: " + result
                + ", next offset " + fresh.nextOffset() + " instead of " + expectedNext);
        }
        fresh.flush();
        AtomicFiles.fsyncDirectory(dir);
        return fresh;
    }

    private void dispose() {
        Disposal how = disposal;
        try {
            if (how == Disposal.DELETE) {
                offsetIndex.closeAndDelete();
                timeIndex.closeAndDelete();
                if (log != null) {
                    log.close();
                }
                Files.deleteIfExists(LogFileNames.deletedFile(LogFileNames.logFile(dir, baseOffset)));
                return;
            }
            offsetIndex.close();
            timeIndex.close();
            if (log != null && how == Disposal.TRIM) {
                log.closeAndTrim(size);
            } else if (log != null) {
                log.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not dispose of segment " + baseOffset + " in " + dir, e);
        }
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("segment " + baseOffset + " of " + dir + " is sealed");
        }
    }

    @Override
    public String toString() {
        return "LogSegment{" + dir.getFileName() + "/" + LogFileNames.offsetPrefix(baseOffset) + ", size=" + size
            + ", next=" + nextOffset + (writable ? "" : ", sealed") + '}';
    }
}
