package io.varve.storage;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordBatchReader;
import io.varve.protocol.record.RecordCursor;
import io.varve.storage.cleaner.BatchCleaner;
import io.varve.storage.cleaner.OffsetMap;
import io.varve.storage.cleaner.Throttler;
import io.varve.storage.checkpoint.AtomicFiles;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.producer.BatchMetadata;
import io.varve.storage.producer.ProducerState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction: keeps the last record of each key in logs whose {@code cleanup.policy} holds
 * compact. One pass over a log ({@link #clean}):
 * <ol>
 *   <li>find the cleanable section ({@link CleanableSection}): sealed segments only, never the active one;</li>
 *   <li>map each key of the dirty section (from the cleaner's checkpoint on) to its last offset, in a
 *       bounded {@link OffsetMap}; a map that fills up ends the pass's dirty section early;</li>
 *   <li>rewrite every cleanable segment batch by batch with a {@link BatchCleaner} into
 *       {@code <base>.log.cleaned}, fsync it, rename it {@code <base>.log.swap}, and let the log swap it
 *       in under its lock ({@link PartitionLog#replaceWithCleaned}); a segment that loses nothing is left alone;</li>
 *   <li>move the checkpoint to the end of the mapped section.</li>
 * </ol>
 * A segment's last batch and the batches the producer state remembers are kept even when they lose
 * every record (as empty batches), so segment boundaries and idempotent-producer state survive.
 *
 * <p>The cleaner reads sealed segments without the log's lock (they are immutable; it pins them), so
 * appends never wait for it but for the swap. It creates no thread: the broker calls
 * {@link #cleanDirtiest} on its cleaner threads, one {@code LogCleaner} per thread; a log is cleaned by
 * one thread at a time. I/O is paced by the {@link Throttler}. Not thread-safe.
 */
public final class LogCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /** What one pass did. */
    public record Stats(TopicPartition topicPartition, int segmentsRewritten, long recordsRemoved, long bytesRead,
                        long bytesWritten, long firstDirtyOffset) {
    }

    private final long dedupeBufferBytes;
    private final Clock clock;
    private final Throttler throttler;
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordBatchReader reader = new RecordBatchReader();
    private BatchCleaner batchCleaner;
    private int batchCleanerLimit = -1;

    /**
     * @param dedupeBufferBytes this cleaner's share of {@code log.cleaner.dedupe.buffer.size}
     */
    public LogCleaner(long dedupeBufferBytes, Clock clock, Throttler throttler) {
        if (dedupeBufferBytes < 2L * OffsetMap.BYTES_PER_ENTRY) {
            throw new IllegalArgumentException("dedupe buffer of " + dedupeBufferBytes + " bytes holds no key");
        }
        this.dedupeBufferBytes = dedupeBufferBytes;
        this.clock = clock;
        this.throttler = throttler;
    }

    /**
     * Cleans the compacted log that needs it most (highest dirty ratio among those that need
     * cleaning, see {@link CleanableSection#needsCleaning}), if any, and not being cleaned by another thread.
     */
    public Optional<Stats> cleanDirtiest(Collection<PartitionLog> logs) throws IOException, InterruptedException {
        long nowMs = clock.wallClockMs();
        PartitionLog dirtiest = null;
        double dirtiestRatio = -1;
        for (PartitionLog log : logs) {
            if (!log.config().compact() || log.isFailed() || log.isCleaning()) {
                continue;
            }
            CleanableSection section = CleanableSection.of(log, nowMs);
            if (section.needsCleaning(log, nowMs) && section.dirtyRatio() > dirtiestRatio) {
                dirtiest = log;
                dirtiestRatio = section.dirtyRatio();
            }
        }
        return dirtiest == null ? Optional.empty() : Optional.ofNullable(clean(dirtiest));
    }

    /** The share of {@code log}'s cleanable bytes not compacted yet. */
    public double dirtyRatio(PartitionLog log) {
        return CleanableSection.of(log, clock.wallClockMs()).dirtyRatio();
    }

    /**
     * One pass over {@code log}, whatever its dirty ratio. Returns null when another thread is
     * cleaning it or it changed under the pass (retention, truncation): nothing was swapped then.
     */
    public Stats clean(PartitionLog log) throws IOException, InterruptedException {
        if (!log.tryBeginCleaning()) {
            return null;
        }
        try {
            return cleanLocked(log);
        } finally {
            log.endCleaning();
        }
    }

    private Stats cleanLocked(PartitionLog log) throws IOException, InterruptedException {
        long nowMs = clock.wallClockMs();
        CleanableSection section = CleanableSection.of(log, nowMs);
        List<LogSegment> segments = section.segments();
        int pinned = 0;
        try {
            for (LogSegment segment : segments) {
                if (!segment.tryRetain()) {
                    return null; // deleted under us: the next pass sees the new layout
                }
                pinned++;
            }
            return rewrite(log, section, nowMs);
        } finally {
            for (int i = 0; i < pinned; i++) {
                segments.get(i).release();
            }
        }
    }

    private Stats rewrite(PartitionLog log, CleanableSection section, long nowMs) throws IOException, InterruptedException {
        if (section.segments().isEmpty()) {
            return new Stats(log.topicPartition(), 0, 0, 0, 0, log.firstDirtyOffset());
        }
        int maxDecompressed = AppendValidator.maxDecompressedBytes(log.config().maxMessageBytes());
        OffsetMap map = OffsetMap.forBudget(dedupeBufferBytes, countDirtyRecords(section));
        long[] bytesRead = new long[1];
        long mapEnd = buildOffsetMap(section, map, maxDecompressed, bytesRead);
        if (mapEnd < 0) {
            return null;
        }
        BatchCleaner cleaner = batchCleaner(maxDecompressed);
        LongHashSet retainedLastOffsets = producerBatchLastOffsets(log);
        long deleteRetentionMs = log.config().deleteRetentionMs();
        long horizon = Long.MAX_VALUE;
        long removed = 0;
        long written = 0;
        int rewritten = 0;
        for (LogSegment segment : section.segments()) {
            SegmentOutcome outcome = cleanSegment(log, segment, map, mapEnd, nowMs, deleteRetentionMs,
                retainedLastOffsets, cleaner);
            if (outcome == null) {
                return null;
            }
            bytesRead[0] += segment.size();
            horizon = Math.min(horizon, outcome.horizonMs());
            removed += outcome.recordsRemoved();
            written += outcome.bytesWritten();
            if (outcome.swapped()) {
                rewritten++;
            }
        }
        log.firstDirtyOffset(mapEnd);
        log.nextTombstoneHorizonMs(horizon);
        Stats stats = new Stats(log.topicPartition(), rewritten, removed, bytesRead[0], written, log.firstDirtyOffset());
        LOG.debug("Cleaned {}", stats);
        return stats;
    }

    private BatchCleaner batchCleaner(int maxDecompressed) {
        if (batchCleaner == null || batchCleanerLimit != maxDecompressed) {
            batchCleaner = new BatchCleaner(maxDecompressed);
            batchCleanerLimit = maxDecompressed;
        }
        return batchCleaner;
    }

    /** Records in the dirty section, by a walk of batch headers: the size the offset map is made for. */
    private long countDirtyRecords(CleanableSection section) {
        long records = 0;
        for (LogSegment segment : section.segments()) {
            if (segment.nextOffset() <= section.firstDirty()) {
                continue;
            }
            int limit = segment.size();
            UnsafeBuffer bytes = segment.buffer();
            for (int position = 0; position + RecordBatchFlyweight.HEADER_SIZE <= limit; position += batch.sizeInBytes()) {
                batch.wrap(bytes, position);
                if (batch.batchLength() < RecordBatchFlyweight.HEADER_SIZE - RecordBatchFlyweight.LOG_OVERHEAD) {
                    break;
                }
                records += Math.max(0, batch.recordCount());
            }
        }
        return records;
    }

    /**
     * Puts every keyed record of the dirty section into {@code map}, in offset order.
     *
     * @return the offset the map covers up to (the section's end, or the first record refused by a full
     *         map), or -1 when a segment did not read back whole (it changed under the pass)
     */
    private long buildOffsetMap(CleanableSection section, OffsetMap map, int maxDecompressed, long[] bytesRead)
        throws InterruptedException {
        long firstDirty = section.firstDirty();
        for (LogSegment segment : section.segments()) {
            if (segment.nextOffset() <= firstDirty) {
                continue;
            }
            int limit = segment.size();
            int position = 0;
            while (position < limit) {
                batch.wrap(segment.buffer(), position);
                if (!batch.validateHeaderAndCrc(limit - position, Integer.MAX_VALUE).isOk()) {
                    return -1;
                }
                int size = batch.sizeInBytes();
                position += size;
                bytesRead[0] += size;
                throttler.maybeThrottle(size);
                if (batch.lastOffset() < firstDirty || batch.isControlBatch()
                    || !reader.open(batch, maxDecompressed).isOk()) {
                    continue;
                }
                RecordCursor records = reader.cursor();
                while (records.next()) {
                    if (records.offset() < firstDirty || records.keyLength() < 0) {
                        continue;
                    }
                    if (!map.put(records.buffer(), records.keyOffset(), records.keyLength(), records.offset())) {
                        reader.trim(RecordBatchFlyweight.RETAINED_DECOMPRESSION_BYTES);
                        return records.offset();
                    }
                }
            }
        }
        reader.trim(RecordBatchFlyweight.RETAINED_DECOMPRESSION_BYTES);
        return section.end();
    }

    /** The last offsets of the batches the producer state remembers: those batches are never dropped. */
    private static LongHashSet producerBatchLastOffsets(PartitionLog log) {
        LongHashSet offsets = new LongHashSet();
        for (ProducerState state : log.producerStates().values()) {
            for (BatchMetadata metadata : state.batches()) {
                offsets.add(metadata.lastOffset());
            }
        }
        return offsets;
    }

    private record SegmentOutcome(boolean swapped, long recordsRemoved, long bytesWritten, long horizonMs) {
    }

    /**
     * Writes the cleaned copy of one sealed segment and swaps it in, unless nothing changed.
     * Null when the segment did not read back whole or was replaced meanwhile.
     */
    private SegmentOutcome cleanSegment(PartitionLog log, LogSegment segment, OffsetMap map, long mapEnd, long nowMs,
                                        long deleteRetentionMs, LongHashSet retained, BatchCleaner cleaner)
        throws IOException, InterruptedException {
        Path logFile = LogFileNames.logFile(log.dir(), segment.baseOffset());
        Path cleaned = LogFileNames.cleanedFile(logFile);
        int limit = segment.size();
        boolean changed = false;
        long removed = 0;
        long written = 0;
        long horizon = Long.MAX_VALUE;
        try (FileChannel out = FileChannel.open(cleaned, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            int position = 0;
            while (position < limit) {
                batch.wrap(segment.buffer(), position);
                BatchStatus status = batch.validateHeaderAndCrc(limit - position, Integer.MAX_VALUE);
                if (!status.isOk()) {
                    Files.deleteIfExists(cleaned);
                    return null;
                }
                int size = batch.sizeInBytes();
                boolean last = position + size == limit;
                boolean keepHeader = last || batch.producerId() >= 0 && retained.contains(batch.lastOffset());
                BatchCleaner.Outcome outcome = cleaner.clean(batch, map, mapEnd, nowMs, deleteRetentionMs, keepHeader);
                position += size;
                if (outcome == BatchCleaner.Outcome.DROPPED) {
                    changed = true;
                    removed += cleaner.recordsRemoved();
                    continue;
                }
                ByteBuffer bytes = outcome == BatchCleaner.Outcome.UNREADABLE
                    ? copyOf(batch, size) : ByteBuffer.wrap(cleaner.output().byteArray(), 0, cleaner.outputLength());
                if (outcome == BatchCleaner.Outcome.REWRITTEN) {
                    changed = true;
                    removed += cleaner.recordsRemoved();
                }
                if (outcome != BatchCleaner.Outcome.UNREADABLE) {
                    horizon = Math.min(horizon, cleaner.tombstoneHorizonMs());
                }
                int length = bytes.remaining();
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                written += length;
                throttler.maybeThrottle(size + length);
            }
            if (changed) {
                out.force(true);
            }
        }
        if (!changed) {
            Files.deleteIfExists(cleaned);
            return new SegmentOutcome(false, 0, 0, horizon);
        }
        Path swap = LogFileNames.swapFile(logFile);
        Files.move(cleaned, swap, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.fsyncDirectory(log.dir());
        if (!log.replaceWithCleaned(segment, swap)) {
            return null;
        }
        return new SegmentOutcome(true, removed, written, horizon);
    }

    private static ByteBuffer copyOf(RecordBatchFlyweight batch, int size) {
        byte[] copy = new byte[size];
        batch.buffer().getBytes(batch.offset(), copy);
        return ByteBuffer.wrap(copy);
    }
}
