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
 * <p><b>Where the data ends.</b> Loading a segment reads its data, never the preallocated space after
 * it. The batches are walked from the start ({@link #recover}) or from the last offset-index entry
 * ({@link #loadByHeaderWalk}) to the first position where no valid batch starts, and only the batch
 * header there is read: all zeros is the zero-filled tail of a preallocated file, the end of the log
 * (Kafka's rule); anything else is a torn or corrupt batch, reported as such. What lies after the end
 * is then cut off the file ({@link #closeAndCut()}), unread, and a writable mapping of the file reads
 * zeros there again. This discards, with the zeros, anything a crash left after a zero gap: pages the
 * operating system wrote back out of order before a power loss, all of them after the last fsync, so
 * past the recovery point, and none of them servable, since the batch before them is missing. The cut
 * makes sure a later walk can never take them for batches. Recovery does not look for them (that
 * would read the whole preallocation) but for one witness: the batch the last offset-index entry names
 * before the rebuild. When a valid batch is there, past the end, the loss is reported as corruption
 * (with what its headers chain over counted as truncated); otherwise it cannot be told from unwritten
 * space.
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
    /** The .log file's length before it was mapped (a writable mapping grows it to the capacity). */
    private final long fileLengthAtOpen;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final RecordBatchFlyweight writerBatch = new RecordBatchFlyweight();
    private final AtomicInteger refs = new AtomicInteger(1);

    private volatile int size;
    /** Bytes of the .log file known to be backed by disk blocks: the data and what {@link #reserve} allocated. */
    private long allocatedEnd;
    private volatile long nextOffset;
    private volatile long maxTimestamp = -1;
    private volatile Disposal disposal = Disposal.TRIM;
    private long offsetOfMaxTimestamp;
    private int bytesSinceLastIndexEntry;
    private long createdMs;
    private volatile boolean largestTimestampKnown;
    /** Bytes of the .log the last load walk covered, for the recovery report (load thread only). */
    private long bytesScanned;

    private LogSegment(Path dir, long baseOffset, boolean writable, int indexIntervalBytes, MappedFileRegion log,
                       long fileLengthAtOpen, OffsetIndex offsetIndex, TimeIndex timeIndex, long createdMs) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.writable = writable;
        this.indexIntervalBytes = indexIntervalBytes;
        this.log = log;
        this.fileLengthAtOpen = fileLengthAtOpen;
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
            return new LogSegment(dir, baseOffset, writable, config.indexIntervalBytes(), log, fileLength,
                offsetIndex, timeIndex, createdMs);
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

    /** Bytes of the .log file allocated ahead of the data at a time (one write of zeros per this much data). */
    static final int ALLOCATE_AHEAD_BYTES = 4 * 1024 * 1024;

    /**
     * Makes sure the next {@code bytes} after the data, and a slot in each index, are backed by disk
     * blocks before {@link #append} copies into the mapping ({@link MappedFileRegion#allocate}): a full
     * disk is then an {@link IOException} here, with nothing written, instead of a fault in the copy.
     * Allocates {@link #ALLOCATE_AHEAD_BYTES} at a time. The appending thread only.
     *
     * @throws IOException when the file system refuses the space
     */
    void reserve(int bytes) throws IOException {
        requireWritable();
        long needed = (long) size + bytes;
        if (needed > allocatedEnd) {
            long from = Math.max(allocatedEnd, size);
            long to = Math.min(log.capacity(), Math.max(needed, from + ALLOCATE_AHEAD_BYTES));
            log.allocate(from, to);
            allocatedEnd = to;
        }
        offsetIndex.reserveEntry();
        timeIndex.reserveEntry();
    }

    /**
     * Copies one validated batch to the end of the segment, stamps its base offset and leader epoch
     * (both outside the CRC), indexes it, then publishes the new size. The caller checked
     * {@link #canHold} and {@link #reserve reserved} the space.
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
        /** The batches are followed by a zero header: an untrimmed, preallocated segment, to cut. */
        ZERO_TAIL,
        /** Something that is neither a batch header nor zeros, or a corrupt index: recover it. */
        GARBAGE
    }

    /**
     * Sizes a loaded segment cheaply, for segments the recovery point vouches for: checks the first and
     * last entries of both indexes, that the last offset-index entry names a batch, then walks batch
     * headers (magic, length, increasing offsets; no CRC) from that batch to the first position where
     * none starts, within the file's length at open, and reads the header there (see the class
     * comment). Reads nothing after it; a {@link WalkEnd#ZERO_TAIL} is for the caller to cut.
     */
    WalkEnd loadByHeaderWalk() {
        bytesScanned = 0;
        if (offsetIndex.isCorrupt() || timeIndex.isCorrupt()) {
            return WalkEnd.GARBAGE;
        }
        int length = dataLimit();
        boolean indexed = offsetIndex.entries() > 0;
        OffsetPosition lastEntry = offsetIndex.lastEntry();
        int start = indexed ? lastEntry.position() : 0;
        long next = indexed ? lastEntry.offset() : baseOffset;
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        UnsafeBuffer bytes = log == null ? null : log.buffer();
        if (indexed && !(BatchHeaders.isPlausible(batch, bytes, start, length, next) && batch.baseOffset() == next)) {
            return WalkEnd.GARBAGE; // the last index entry does not name a batch of this log
        }
        int position = start;
        while (BatchHeaders.isPlausible(batch, bytes, position, length, next)) {
            next = batch.nextOffset();
            position += batch.sizeInBytes();
        }
        size = position;
        nextOffset = next;
        bytesScanned = position - start;
        if (timeIndex.entries() > 0 && timeIndex.lastEntry().offset() >= next) {
            return WalkEnd.GARBAGE; // the time index names an offset this log does not hold
        }
        if (position == length) {
            return WalkEnd.END_OF_FILE;
        }
        bytesScanned += BatchHeaders.headerBytes(position, length);
        return BatchHeaders.isZeroHeader(bytes, position, length) ? WalkEnd.ZERO_TAIL : WalkEnd.GARBAGE;
    }

    /**
     * Walks every batch from the start of a writable segment, validating header, CRC and offsets, and
     * rebuilds both indexes; stops at the first invalid batch or zero header (see the class comment).
     * Writes nothing to the .log: the caller cuts what follows the end with {@link #closeAndCut()} and
     * opens the segment again.
     *
     * @param maxBatchBytes the largest batch considered valid
     * @param epochs        told of every valid batch's leader epoch, in order
     * @return what was found
     */
    RecoveryResult recover(int maxBatchBytes, EpochListener epochs) {
        // The offset index as the crash left it names the last batch the writer indexed: the one witness
        // of data after a zero gap that costs nothing to check.
        OffsetPosition witness = offsetIndex.entries() > 0 ? offsetIndex.lastEntry() : null;
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = -1;
        offsetOfMaxTimestamp = baseOffset;
        largestTimestampKnown = true; // rebuilt batch by batch below, never from bytes not yet validated
        bytesSinceLastIndexEntry = 0;
        nextOffset = baseOffset;
        // The whole mapping: past the file's length at open it reads zeros, so a batch whose last bytes
        // were zeros a cut file lost is still whole; the walk reads one header past the data either way.
        int limit = log == null ? 0 : log.capacity();
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int position = 0;
        int batches = 0;
        BatchStatus stop = BatchStatus.OK;
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
        size = position;
        largestTimestampKnown = true;
        UnsafeBuffer bytes = log == null ? null : log.buffer();
        boolean clean = stop.isOk() || stop == BatchStatus.ZERO_FILLED;
        int truncated = clean ? 0 : BatchHeaders.chainedBytes(bytes, position, limit, maxBatchBytes);
        long gapBatchOffset = -1;
        if (witness != null && witness.position() >= position + truncated
            && BatchHeaders.isBatchAt(bytes, witness, nextOffset, limit, maxBatchBytes)) {
            gapBatchOffset = witness.offset();
            truncated += BatchHeaders.chainedBytes(bytes, witness.position(), limit, maxBatchBytes);
        }
        bytesScanned = (long) position + truncated + BatchHeaders.headerBytes(position, limit);
        return new RecoveryResult(batches, position, truncated, stop, gapBatchOffset);
    }

    /**
     * The outcome of {@link #recover}. {@code stoppedAt} is ZERO_FILLED or OK for a clean end; {@code
     * gapBatchOffset} is the base offset of a valid batch found after a zero gap, -1 if none was.
     */
    record RecoveryResult(int batches, int validBytes, int truncatedBytes, BatchStatus stoppedAt, long gapBatchOffset) {
        boolean foundCorruption() {
            return stoppedAt != BatchStatus.OK && stoppedAt != BatchStatus.ZERO_FILLED || gapBatchOffset >= 0;
        }
    }

    /** Called for each batch recovery keeps. */
    interface EpochListener {
        void onBatch(int epoch, long baseOffset);
    }

    /** The bytes a load may walk: the file as it was before a writable mapping grew it. */
    private int dataLimit() {
        return log == null ? 0 : (int) Math.min(fileLengthAtOpen, log.capacity());
    }

    /** Bytes of the .log the last {@link #recover} or {@link #loadByHeaderWalk} covered; never the tail. */
    long bytesScanned() {
        return bytesScanned;
    }

    /**
     * Whether a file holds more than the data loaded from it: a preallocated .log or index a crash
     * left untrimmed, or a tail that recovery discarded. The loader then {@link #closeAndCut()}s it.
     */
    boolean isUntrimmed() {
        return fileLengthAtOpen > size || offsetIndex.isUntrimmed() || timeIndex.isUntrimmed();
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
        OffsetPosition hint = offsetIndex.lookup(offset);
        int position = hint.position();
        if (position != 0 && (position + RecordBatchFlyweight.HEADER_SIZE > limit
            || batch.wrap(log.buffer(), position).baseOffset() != hint.offset())) {
            // Opening a segment checks its index's last entry, not every one: an entry that does not name
            // the batch it should is not followed. The batches below the size are whole, so walk from 0.
            position = 0;
        }
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
     * The loader is done with a segment it found longer than its data ({@link #isUntrimmed()}): unmaps
     * it, then cuts the .log to its size and both indexes to their entries, read-only or not, and
     * syncs them, without reading what goes (see the class comment). The caller opens the files again.
     * Only while no reader can hold the segment: at load, or before it is published.
     *
     * @throws IOException when a file cannot be cut or synced
     */
    void closeAndCut() throws IOException {
        if (!refs.compareAndSet(1, 0)) {
            throw new IllegalStateException("segment " + baseOffset + " of " + dir + " is in use or closed");
        }
        offsetIndex.closeAndCut();
        timeIndex.closeAndCut();
        if (log != null) {
            log.close();
        }
        MappedFileRegion.cut(LogFileNames.logFile(dir, baseOffset), size, true);
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
     * {@code swapFile} to {@code <base>.log}, rebuilds its indexes by a recovery walk, checks it ends
     * where {@code old} ended, cuts and syncs the files, fsyncs the directory, and opens the segment
     * read-only at its exact length. The caller publishes the returned segment and then {@link
     * #release()}s {@code old}.
     */
    static LogSegment swapInCleaned(Path dir, LogConfig config, LogSegment old, Path swapFile) throws IOException {
        long base = old.baseOffset();
        long expectedNext = old.nextOffset();
        old.renameToDeleted();
        Files.move(swapFile, LogFileNames.logFile(dir, base), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        LogSegment rebuilt = open(dir, base, config, true);
        RecoveryResult result;
        try {
            result = rebuilt.recover(Math.max(config.maxMessageBytes(), config.segmentBytes()), (epoch, offset) -> { });
        } catch (RuntimeException e) {
            rebuilt.closeForReplacement();
            throw e;
        }
        long next = rebuilt.nextOffset();
        rebuilt.closeAndCut(); // the indexes to their entries; the .log is exactly the cleaned batches
        if (result.foundCorruption() || result.truncatedBytes() > 0 || next != expectedNext) {
            throw new IOException("cleaned segment " + base + " of " + dir + " reads back wrong: " + result
                + ", next offset " + next + " instead of " + expectedNext);
        }
        LogSegment fresh = open(dir, base, config, false);
        if (fresh.loadByHeaderWalk() != WalkEnd.END_OF_FILE || fresh.nextOffset() != expectedNext) {
            fresh.closeForReplacement();
            throw new IOException("cleaned segment " + base + " of " + dir + " does not read back after its rebuild");
        }
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
