package io.varve.storage;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.checkpoint.LeaderEpochCache;
import io.varve.storage.producer.AppendCheck;
import io.varve.storage.producer.ProducerState;
import io.varve.storage.producer.ProducerStateManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition (Segmented Log, Write-Ahead Log, Low-Water Mark): an ordered run of
 * {@link LogSegment}s in {@code <log.dir>/<topic>-<partition>/}, the leader-epoch cache beside them,
 * and the offsets that bound it — {@link #logStartOffset()}, {@link #logEndOffset()} and the
 * {@link #recoveryPoint()} below which everything is on the device.
 *
 * <p>Thread-safety: one appender at a time — appends, truncation, rolls, retention and flushes take
 * the log's lock. Reads take no lock: they find the segment in a concurrent map, pin it with a
 * reference, and see only whole batches (see {@link LogSegment}). A reader may race a truncation
 * and see bytes that are being removed, as in Kafka; it never sees a half-written batch, and a
 * segment is never unmapped under it.
 *
 * <p>Idempotent producers (Idempotent Receiver): a {@link ProducerStateManager} follows every batch
 * written, refuses leader appends that break a producer's sequence or epoch, answers retries with
 * their original offsets, and keeps {@code <offset>.snapshot} files (on roll, at close) from which it
 * is rebuilt at open and after a truncation.
 *
 * <p>Failures: an I/O error while writing or flushing puts the log in the failed state; every later
 * append answers {@link AppendError#STORAGE_FAILED}. Nothing retries an fsync that failed.
 */
public final class PartitionLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    private final TopicPartition topicPartition;
    private final Path dir;
    private final LogConfig config;
    private final Clock clock;
    private final LeaderEpochCache epochs;
    private final SegmentMap segments = new SegmentMap();
    private final ReentrantLock lock = new ReentrantLock();
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final AppendValidator validator;
    private final ProducerStateManager producers;
    private final RecoveryReport recoveryReport;

    private volatile LogSegment active;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long recoveryPoint;
    private volatile boolean failed;
    private volatile StorageErrorListener storageErrorListener = StorageErrorListener.NONE;
    private volatile boolean closed;
    private volatile FlushListener flushListener = FlushListener.NONE;
    private long unflushedRecords;
    private long lastFlushMs;
    /** The log cleaner's checkpoint: everything below was compacted (in memory: a restart cleans once more). */
    private volatile long firstDirtyOffset;
    /** The earliest delete horizon of a tombstone the cleaner kept, Long.MAX_VALUE when none. */
    private volatile long nextTombstoneHorizonMs = Long.MAX_VALUE;
    private final AtomicBoolean cleaning = new AtomicBoolean();

    private PartitionLog(TopicPartition topicPartition, Path dir, LogConfig config, Clock clock, LeaderEpochCache epochs,
                         LogLoader.Loaded loaded) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.epochs = epochs;
        this.validator = new AppendValidator(config.maxMessageBytes(), config.compact());
        this.producers = new ProducerStateManager(dir, config.producerIdExpirationMs());
        for (LogSegment segment : loaded.segments()) {
            segments.put(segment);
        }
        this.active = segments.last();
        this.logEndOffset = active.nextOffset();
        this.logStartOffset = Math.max(loaded.logStartOffset(), segments.first().baseOffset());
        this.recoveryPoint = Math.min(loaded.recoveryPoint(), logEndOffset);
        this.recoveryReport = loaded.report();
        this.lastFlushMs = clock.monotonicMs();
    }

    /**
     * Opens (creating if needed) the log of {@code topicPartition} in {@code dir}. After an unclean
     * shutdown, every batch from the segment holding {@code recoveryPoint} on is validated and the
     * torn or corrupt tail cut away; indexes that are missing or corrupt are rebuilt.
     *
     * @param recoveryPoint     the offset below which the log was known flushed (0 if unknown)
     * @param logStartOffset    the checkpointed log start offset (0 if unknown)
     * @param hadCleanShutdown  whether the directory's clean-shutdown marker was present
     */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, LogConfig config, Clock clock,
                                    long recoveryPoint, long logStartOffset, boolean hadCleanShutdown) throws IOException {
        Files.createDirectories(dir);
        LeaderEpochCache epochs = LeaderEpochCache.load(dir);
        LogLoader.Loaded loaded = new LogLoader(dir, config, clock, epochs)
            .load(recoveryPoint, logStartOffset, hadCleanShutdown);
        PartitionLog log = new PartitionLog(topicPartition, dir, config, clock, epochs, loaded);
        try {
            ProducerStateLoader.rebuild(log.producers, log.segments, log.logStartOffset, log.logEndOffset, clock.wallClockMs());
        } catch (IOException | RuntimeException e) {
            log.markFailed("load producer state", e); // failed: close must not snapshot a half-built state
            log.close();
            throw e;
        }
        if (loaded.report().truncatedBytes() > 0 || loaded.report().corruptBatches() > 0) {
            LOG.warn("{}: recovery {}", topicPartition, loaded.report());
        }
        return log;
    }

    /** Opens a brand-new or cleanly closed log. */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, LogConfig config, Clock clock) throws IOException {
        return open(dir, topicPartition, config, clock, 0, 0, true);
    }

    // ---------------------------------------------------------------------------------------------
    // Appends
    // ---------------------------------------------------------------------------------------------

    /**
     * Appends the record batches in {@code records[offset, offset+length)} as the leader: each batch
     * gets the next offsets ({@code baseOffset} stamped in the stored copy) and {@code leaderEpoch}
     * as its partition leader epoch; the bytes are otherwise stored as given. Every batch is
     * validated first (header, CRC, records) and checked against its producer's state (sequence and
     * epoch, see {@link ProducerStateManager}); the append is all or nothing. A retry of batches
     * already written appends nothing and answers {@link AppendResult#duplicate()} with their offsets.
     */
    public AppendResult append(DirectBuffer records, int offset, int length, int leaderEpoch) {
        return doAppend(records, offset, length, leaderEpoch, true);
    }

    /**
     * Appends batches that already carry their offsets and epochs, as a follower copying its leader:
     * the first batch must start at or after the log end offset.
     */
    public AppendResult appendAsFollower(DirectBuffer records, int offset, int length) {
        return doAppend(records, offset, length, -1, false);
    }

    private AppendResult doAppend(DirectBuffer records, int offset, int length, int leaderEpoch, boolean assignOffsets) {
        lock.lock();
        try {
            if (failed || closed) {
                return AppendResult.failure(AppendError.STORAGE_FAILED, BatchStatus.OK);
            }
            AppendResult invalid = validator.validate(records, offset, length, logEndOffset, assignOffsets);
            if (invalid != null) {
                return invalid;
            }
            if (assignOffsets) {
                AppendCheck check = producers.checkLeaderAppend(records, offset, length);
                if (check.outcome() != AppendCheck.Outcome.ACCEPT) {
                    return AppendResult.of(check);
                }
            }
            return writeBatches(records, offset, length, leaderEpoch, assignOffsets);
        } catch (StorageFullException e) {
            warnFull(length, e);
            storageErrorListener.onStorageError(topicPartition, dir.getParent(), StorageErrorListener.Kind.FULL, e);
            return AppendResult.failure(AppendError.STORAGE_FULL, BatchStatus.OK);
        } catch (IOException | UncheckedIOException e) {
            markFailed("append", e);
            return AppendResult.failure(AppendError.STORAGE_FAILED, BatchStatus.OK);
        } finally {
            lock.unlock();
        }
    }

    private AppendResult writeBatches(DirectBuffer records, int offset, int length, int leaderEpoch, boolean assign)
        throws IOException {
        long firstOffset = -1;
        long maxTimestamp = -1;
        long offsetOfMaxTimestamp = -1;
        int batches = 0;
        int recordCount = 0;
        int position = offset;
        int end = offset + length;
        while (position < end) {
            batch.wrap(records, position);
            int size = batch.sizeInBytes();
            long base = assign ? logEndOffset : batch.baseOffset();
            long last = base + batch.lastOffsetDelta();
            int epoch = assign ? leaderEpoch : batch.partitionLeaderEpoch();
            long batchMaxTimestamp = batch.maxTimestamp();
            int batchRecords = batch.recordCount();
            LogSegment segment = maybeRoll(size, base, last);
            // Space first, then the epoch checkpoint, then the copy: a full disk refuses the batch before
            // any of it reaches the mapped file (a fault there would leave a batch that looks written).
            // Only an append of several batches that rolls a segment can end part way.
            prepare(segment, size, epoch, base);
            segment.append(records, position, size, assign ? base : -1, leaderEpoch);
            producers.onBatchAppended(batch, base);
            if (firstOffset < 0) {
                firstOffset = base;
            }
            if (batchMaxTimestamp > maxTimestamp) {
                maxTimestamp = batchMaxTimestamp;
                offsetOfMaxTimestamp = last;
            }
            logEndOffset = last + 1;
            batches++;
            recordCount += batchRecords;
            position += size;
        }
        unflushedRecords += recordCount;
        maybeFlushLocked();
        return new AppendResult(AppendError.NONE, BatchStatus.OK, firstOffset, logEndOffset - 1, maxTimestamp,
            offsetOfMaxTimestamp, batches, recordCount, length, false);
    }

    /**
     * Makes the append of one batch of {@code size} bytes at {@code base} in {@code epoch} unable to fail
     * half way: its space is allocated and its epoch is in the (persisted) epoch cache before its bytes
     * are copied. An epoch entry with no batch behind it, left when the copy is then refused, is what a
     * new leader writes too, and truncation drops it.
     */
    private void prepare(LogSegment segment, int size, int epoch, long base) throws StorageFullException {
        try {
            segment.reserve(size);
            if (epoch >= 0) {
                epochs.assign(epoch, base);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new StorageFullException(topicPartition + ": no space for " + size + " bytes at offset " + base, e);
        }
    }

    /** Says at most once per {@link #FULL_WARNING_INTERVAL_MS} per log that appends are refused. */
    private void warnFull(int bytes, StorageFullException e) {
        long nowMs = clock.monotonicMs();
        if (lastFullWarningMs == Long.MIN_VALUE || nowMs - lastFullWarningMs >= FULL_WARNING_INTERVAL_MS) {
            lastFullWarningMs = nowMs;
            LOG.warn("{}: appends refused, nothing written: the log directory has no space ({} bytes asked: {}); "
                + "they resume once space is freed", topicPartition, bytes, String.valueOf(e.getCause()));
        }
    }

    /** The segment to append a batch to, rolling a new one when size, index room or age say so. */
    private LogSegment maybeRoll(int batchBytes, long baseOffset, long lastOffset) throws IOException {
        LogSegment segment = active;
        long nowMs = clock.wallClockMs();
        boolean tooOld = !segment.isEmpty() && nowMs - segment.createdMs() >= config.segmentMs();
        if (segment.isFull(config.segmentBytes(), batchBytes) || tooOld || !segment.canHold(batchBytes, lastOffset)) {
            segment = rollAt(baseOffset);
        }
        return segment;
    }

    /** Rolls a new active segment now, if the active one holds anything. */
    public void roll() {
        lock.lock();
        try {
            if (!active.isEmpty()) {
                rollAt(logEndOffset);
            }
        } catch (IOException e) {
            markFailed("roll", e);
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private LogSegment rollAt(long baseOffset) throws IOException {
        try {
            producers.takeSnapshot(baseOffset); // the state after every batch below the new segment
        } catch (IOException e) {
            // A snapshot only shortens the next restart's replay; a full disk must not fail the log for it.
            LOG.warn("{}: no producer-state snapshot at {}: {}", topicPartition, baseOffset, e.toString());
        }
        LogSegment segment = LogSegment.create(dir, baseOffset, config, clock.wallClockMs());
        segments.put(segment);
        active = segment;
        return segment;
    }

    // ---------------------------------------------------------------------------------------------
    // Reads
    // ---------------------------------------------------------------------------------------------

    /**
     * Whole batches starting with the one that contains {@code offset}, at most {@code maxBytes}
     * unless the first batch alone is larger (it is returned whole so a reader always progresses).
     * Reads within one segment. {@code offset == logEndOffset} gives an empty slice; outside
     * {@code [logStartOffset, logEndOffset]} gives {@link LogSlice.Status#OFFSET_OUT_OF_RANGE}.
     * The caller must close the slice.
     */
    public LogSlice read(long offset, int maxBytes) {
        for (int attempt = 0; attempt < 16; attempt++) {
            long start = logStartOffset;
            long end = logEndOffset;
            if (offset < start || offset > end) {
                return LogSlice.outOfRange(offset, start, end);
            }
            if (offset == end) {
                return LogSlice.empty(offset, start, end);
            }
            LogSlice slice = segments.read(offset, maxBytes, start, end);
            if (slice != null) {
                return slice;
            }
        }
        throw new IllegalStateException(topicPartition + ": segments kept changing under a read of " + offset);
    }

    /**
     * The earliest batch whose max timestamp is at or after {@code timestamp}: its base offset and
     * max timestamp (ListOffsets by timestamp). Exact to the batch; the broker narrows it to the
     * record when it decodes the batch. Empty when every record is older.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        return segments.findByTimestamp(timestamp, logStartOffset);
    }

    /** The largest record timestamp in the log (ListOffsets' max-timestamp lookup), -1 when empty. */
    public long largestTimestamp() {
        return segments.largestTimestamp();
    }

    // ---------------------------------------------------------------------------------------------
    // Truncation
    // ---------------------------------------------------------------------------------------------

    /**
     * Removes every batch at or after {@code offset} (the batch containing it too), as a follower
     * that diverged from its leader does. At or past the log end no batch goes, but leader-epoch
     * entries that start at the log end do: they have no batch behind them (this replica led an epoch
     * and wrote nothing before it lost the lead), and a follower that kept one would name that epoch
     * as its last one forever and diverge from a leader that never knew it (Kafka does the same). Below
     * the log start it empties the log and starts it at {@code offset}.
     */
    public void truncateTo(long offset) {
        lock.lock();
        try {
            if (offset >= logEndOffset) {
                epochs.truncateFromEnd(logEndOffset);
                return;
            }
            if (offset < logStartOffset) {
                truncateFullyAndStartAt(offset);
                return;
            }
            producers.deleteSnapshotsAbove(offset); // first: a crash must not leave one past the new end
            for (LogSegment segment : segments.above(offset)) {
                segments.remove(segment);
                segment.delete();
            }
            LogSegment last = segments.last();
            if (!last.isWritable()) {
                LogSegment writable = LogSegment.open(dir, last.baseOffset(), config, true);
                writable.loadByHeaderWalk();
                segments.put(writable);
                last.closeForReplacement();
                last = writable;
            }
            last.truncateTo(offset);
            active = last;
            logEndOffset = last.nextOffset();
            // The batch holding the log start may be gone (the start was inside it): never start after the end.
            logStartOffset = Math.min(logStartOffset, logEndOffset);
            recoveryPoint = Math.min(recoveryPoint, logEndOffset);
            epochs.truncateFromEnd(logEndOffset);
            ProducerStateLoader.rebuild(producers, segments, logStartOffset, logEndOffset, clock.wallClockMs());
        } catch (IOException | UncheckedIOException e) {
            markFailed("truncate", e);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (UncheckedIOException) e;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every segment and restarts the log, empty, at {@code offset}. */
    public void truncateFullyAndStartAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        lock.lock();
        try {
            producers.deleteSnapshotsAbove(-1);
            producers.clear();
            // Delete first: the fresh segment may reuse a base offset, and so the file names, of an old one.
            for (LogSegment segment : segments.all()) {
                segments.remove(segment);
                segment.delete();
            }
            LogSegment fresh = LogSegment.create(dir, offset, config, clock.wallClockMs());
            segments.put(fresh);
            active = fresh;
            logStartOffset = offset;
            logEndOffset = offset;
            recoveryPoint = offset;
            epochs.clear();
        } catch (IOException e) {
            markFailed("truncate fully", e);
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Retention and flush
    // ---------------------------------------------------------------------------------------------

    /**
     * Deletes the oldest closed segments that are past {@code retention.ms} (by their largest
     * timestamp) or that bring the log over {@code retention.bytes}, and moves the log start offset
     * to the first segment left. The active segment is never deleted.
     *
     * @return the number of segments deleted
     */
    public int deleteRetainedSegments() {
        if (!config.delete()) {
            return 0; // cleanup.policy=compact: old segments are compacted, never deleted by age or size
        }
        lock.lock();
        try {
            long nowMs = clock.wallClockMs();
            long excessBytes = config.retentionBytes() < 0 ? Long.MIN_VALUE : sizeInBytes() - config.retentionBytes();
            int deleted = 0;
            for (LogSegment segment : segments.all()) {
                if (segment == active) {
                    break;
                }
                boolean expired = config.retentionMs() >= 0 && nowMs - segment.largestTimestamp() > config.retentionMs();
                boolean oversize = excessBytes >= segment.size();
                if (!expired && !oversize) {
                    break;
                }
                excessBytes -= segment.size();
                segments.remove(segment);
                logStartOffset = Math.max(logStartOffset, segments.first().baseOffset());
                segment.delete();
                deleted++;
            }
            if (deleted > 0) {
                epochs.truncateFromStart(logStartOffset);
                producers.retainSnapshots(logStartOffset, logEndOffset);
            }
            return deleted;
        } catch (IOException | UncheckedIOException e) {
            markFailed("retention", e);
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the log start offset forward to {@code newStart} (DeleteRecords), deleting segments wholly
     * below it. Never moves it back or past the log end.
     */
    public void advanceLogStartOffset(long newStart) {
        lock.lock();
        try {
            if (newStart <= logStartOffset) {
                return;
            }
            if (newStart > logEndOffset) {
                throw new IllegalArgumentException(topicPartition + ": log start " + newStart + " past log end " + logEndOffset);
            }
            producers.retainSnapshots(newStart, logEndOffset); // before the segments go: a restart needs it
            logStartOffset = newStart;
            for (LogSegment segment : segments.all()) {
                LogSegment next = segments.next(segment);
                if (segment == active || next == null || next.baseOffset() > newStart) {
                    break;
                }
                segments.remove(segment);
                segment.delete();
            }
            epochs.truncateFromStart(newStart);
        } catch (IOException e) {
            markFailed("advance log start", e);
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Flushes if {@code log.flush.interval.messages} or {@code log.flush.interval.ms} say so. */
    public void maybeFlush() {
        lock.lock();
        try {
            maybeFlushLocked();
        } finally {
            lock.unlock();
        }
    }

    private void maybeFlushLocked() {
        boolean byCount = unflushedRecords >= config.flushIntervalMessages();
        boolean byTime = unflushedRecords > 0 && clock.monotonicMs() - lastFlushMs >= config.flushIntervalMs();
        if (byCount || byTime) {
            flushLocked();
        }
    }

    /**
     * Forces every segment that holds unflushed data to the device and moves the recovery point to
     * the log end. A failure puts the log in the failed state: the data is not known durable, and
     * nothing pretends it is.
     *
     * @throws UncheckedIOException when the device reports a failure
     */
    public void flush() {
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    private void flushLocked() {
        if (failed) {
            throw new UncheckedIOException(new IOException(topicPartition + " is in the failed state"));
        }
        long flushTo = logEndOffset;
        long startNs = clock.nanoTime();
        try {
            for (LogSegment segment : segments.from(recoveryPoint)) {
                segment.flush();
            }
        } catch (IOException e) {
            markFailed("flush", e);
            throw new UncheckedIOException(e);
        }
        recoveryPoint = flushTo;
        unflushedRecords = 0;
        lastFlushMs = clock.monotonicMs();
        flushListener.onFlush(topicPartition, clock.nanoTime() - startNs);
    }

    /** Sets who is told of each successful flush and its duration (the broker's flush timer). */
    public void flushListener(FlushListener listener) {
        this.flushListener = Objects.requireNonNull(listener, "listener");
    }

    /** Least time between two warnings of refused appends on a full disk. */
    private static final long FULL_WARNING_INTERVAL_MS = 10_000;
    /** When the last such warning was logged, monotonic; guarded by the lock. */
    private long lastFullWarningMs = Long.MIN_VALUE;

    private void markFailed(String operation, Exception e) {
        failed = true;
        LOG.error("{}: {} failed; the log accepts no more writes until the broker restarts", topicPartition, operation, e);
        storageErrorListener.onStorageError(topicPartition, dir.getParent(), StorageErrorListener.Kind.FAILED, e);
    }

    /**
     * Its log directory went offline (another log of it met a storage error, or this one a full disk): the log
     * takes no more writes, flushes or snapshots until the broker restarts and recovers it, as a failed log.
     * Reads still work. Tells no listener (the directory is already known offline). Takes no lock, so that a
     * storage-error listener may call it under another log's lock; an append already under way completes.
     */
    public void markOffline() {
        if (!failed) {
            failed = true;
            LOG.debug("{}: its log directory is offline; the log accepts no more writes until the broker restarts",
                topicPartition); // the directory is reported once, by whoever took it offline
        }
    }

    /** Sets who is told of this log's storage errors. */
    public void storageErrorListener(StorageErrorListener listener) {
        this.storageErrorListener = Objects.requireNonNull(listener, "listener");
    }

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    /** Everything below this offset has been flushed to the device. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    public boolean isFailed() {
        return failed;
    }

    public LeaderEpochCache leaderEpochCache() {
        return epochs;
    }

    /** Every known producer's state, by increasing id (a copy). */
    public Map<Long, ProducerState> producerStates() {
        lock.lock();
        try {
            return producers.producers();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets producers idle for {@code producer.id.expiration.ms} (by their last batch's timestamp,
     * against the clock's wall time). The broker calls it periodically; the log never does on its own.
     *
     * @return the number of producers forgotten
     */
    public int removeExpiredProducers() {
        lock.lock();
        try {
            return producers.removeExpired(clock.wallClockMs());
        } finally {
            lock.unlock();
        }
    }

    /** What opening the log found and repaired. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /** Valid bytes in all segments. */
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    public int numberOfSegments() {
        return segments.count();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return segments.baseOffsets();
    }

    /**
     * Closes the log: writes a producer snapshot at the log end (unless the log failed), unmaps every
     * segment (once readers are done) and trims the preallocated files, so that the next open finds
     * them exactly the size of their data. Does not flush: the caller decides durability
     * ({@link #flush()} first for a clean shutdown).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            snapshotProducersAtClose();
            for (LogSegment segment : segments.all()) {
                segment.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void snapshotProducersAtClose() {
        if (failed) {
            return;
        }
        try {
            producers.takeSnapshot(logEndOffset);
        } catch (IOException e) {
            // The next open rebuilds the state from an older snapshot and the log: nothing is lost.
            LOG.warn("{}: could not write the producer snapshot at close", topicPartition, e);
        }
    }

    /**
     * Deletes the log's files, open or already closed. Segments still pinned by readers go when
     * their last reader lets go; the directory itself is the caller's to remove.
     */
    public void delete() throws IOException {
        lock.lock();
        try {
            boolean wasOpen = !closed;
            closed = true;
            for (LogSegment segment : segments.all()) {
                segments.remove(segment);
                if (wasOpen) {
                    segment.delete(); // a closed log's segments are already released: the loop below removes their files
                }
            }
            epochs.clear();
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    if (!file.getFileName().toString().endsWith(".deleted")) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Compaction (driven by LogCleaner)
    // ---------------------------------------------------------------------------------------------

    SegmentMap segments() {
        return segments;
    }

    /** Claims the log for one cleaner thread; false if another holds it. */
    boolean tryBeginCleaning() {
        return cleaning.compareAndSet(false, true);
    }

    void endCleaning() {
        cleaning.set(false);
    }

    boolean isCleaning() {
        return cleaning.get();
    }

    LogSegment activeSegment() {
        return active;
    }

    /** Where the cleaner's next pass starts: every offset below was compacted (clamped to the log start). */
    public long firstDirtyOffset() {
        return Math.max(firstDirtyOffset, logStartOffset);
    }

    void firstDirtyOffset(long offset) {
        firstDirtyOffset = Math.max(firstDirtyOffset, offset);
    }

    long nextTombstoneHorizonMs() {
        return nextTombstoneHorizonMs;
    }

    void nextTombstoneHorizonMs(long horizonMs) {
        nextTombstoneHorizonMs = horizonMs;
    }

    /**
     * Puts the cleaned copy of the sealed segment {@code old}, complete and fsynced in {@code swapFile}
     * ({@code <base>.log.swap}), in its place, under the log's lock (appends wait only for this): the old
     * files are renamed {@code .deleted} (readers that pinned the old segment keep reading its mapping),
     * the swap file renamed to {@code <base>.log}, its indexes rebuilt, and the new segment published. A
     * crash at any step leaves either the old segment or the swap file, which the next open finishes
     * swapping in (see {@link LogLoader}).
     *
     * @return false, deleting the swap file, when {@code old} is no longer a sealed segment of this log
     *         (retention, truncation or close got there first)
     */
    boolean replaceWithCleaned(LogSegment old, Path swapFile) throws IOException {
        lock.lock();
        try {
            if (closed || failed || old == active || segments.floor(old.baseOffset()) != old) {
                Files.deleteIfExists(swapFile);
                return false;
            }
            LogSegment fresh = LogSegment.swapInCleaned(dir, config, old, swapFile);
            segments.put(fresh);
            old.release();
            return true;
        } catch (IOException | RuntimeException e) {
            markFailed("swap in a cleaned segment", e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog{" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset
            + ", segments=" + segments.count() + (failed ? ", FAILED" : "") + '}';
    }
}
