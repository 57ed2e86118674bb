package io.varve.storage;

import io.varve.common.Clock;
import io.varve.config.LogConfig;
import io.varve.storage.checkpoint.AtomicFiles;
import io.varve.storage.checkpoint.LeaderEpochCache;
import io.varve.storage.index.LogFileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Opens the segments of one partition directory and, after an unclean shutdown, recovers them
 * (STYLE 6: the segment knows its own recovery; this class decides which segments need it).
 *
 * <ul>
 *   <li>A compaction swap interrupted by a crash is finished: a {@code .log.cleaned} file (incomplete)
 *       is removed, a {@code .log.swap} file (complete and fsynced) replaces its segment's {@code .log},
 *       whose indexes are then rebuilt.</li>
 *   <li>Leftovers of an interrupted deletion ({@code *.deleted}) are removed; segments wholly below
 *       the log start offset are deleted.</li>
 *   <li>After a clean shutdown every segment is trusted: its size is its (trimmed) file length,
 *       checked by a walk of batch headers from its last offset-index entry. A segment that fails that
 *       check is recovered.</li>
 *   <li>After an unclean shutdown, every segment from the one holding the recovery point on is
 *       recovered: every batch validated (header, CRC, records, increasing offsets), both indexes
 *       rebuilt. Older segments are sized by a header walk and recovered only if it finds garbage.</li>
 *   <li>Whatever a segment's files hold after its data (the preallocated tail a crash left untrimmed,
 *       what recovery discarded, index slots after the entries) is cut off the files, unread, and the
 *       segment opened again: a load reads the data and never the preallocation (see {@link
 *       LogSegment}). Every segment but the last is then mapped read-only at its exact length.</li>
 *   <li>A recovery that stops on a corrupt batch, or leaves a gap before the next segment, ends the
 *       log there: every later segment is deleted, so nothing after a corruption is ever served.</li>
 *   <li>A recovery that cuts the log below its checkpointed start leaves it empty at that start:
 *       records below it were deleted and never come back.</li>
 *   <li>The leader-epoch cache is cut back to what the recovered log holds and rebuilt from the
 *       recovered batches.</li>
 * </ul>
 *
 * Used once per log at open, on the opening thread. Not thread-safe.
 */
final class LogLoader {

    /** The loaded log: segments in offset order, the last one writable. */
    record Loaded(List<LogSegment> segments, long logStartOffset, long recoveryPoint, RecoveryReport report) {
    }

    private final Path dir;
    private final LogConfig config;
    private final Clock clock;
    private final LeaderEpochCache epochs;

    private int recovered;
    private long truncatedBytes;
    private int corruptBatches;
    private int deleted;
    private long bytesScanned;
    private String firstProblem = "";

    LogLoader(Path dir, LogConfig config, Clock clock, LeaderEpochCache epochs) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.epochs = epochs;
    }

    Loaded load(long recoveryPoint, long logStartOffset, boolean hadCleanShutdown) throws IOException {
        completeSwaps();
        removeLeftovers();
        List<Long> baseOffsets = dropSegmentsBelow(segmentBaseOffsets(), logStartOffset);
        List<LogSegment> segments = new ArrayList<>();
        try {
            long recoverFrom = hadCleanShutdown ? Long.MAX_VALUE : floor(baseOffsets, recoveryPoint);
            if (recoverFrom != Long.MAX_VALUE) {
                epochs.truncateFromEnd(recoverFrom);
            }
            for (int i = 0; i < baseOffsets.size(); i++) {
                long base = baseOffsets.get(i);
                boolean last = i == baseOffsets.size() - 1;
                // A missing index cannot be opened read-only: recover the segment, which rebuilds it.
                boolean mustRecover = base >= recoverFrom || indexMissing(base);
                LogSegment trusted = mustRecover ? null : loadTrusted(base, last);
                if (trusted != null) {
                    segments.add(trusted);
                    continue;
                }
                LogSegment.RecoveryResult result = recover(base, last, segments);
                LogSegment segment = segments.get(segments.size() - 1);
                boolean torn = result.foundCorruption() || result.truncatedBytes() > 0
                    || !last && segment.nextOffset() != baseOffsets.get(i + 1);
                if (!last && torn) {
                    deleteSegments(baseOffsets.subList(i + 1, baseOffsets.size()));
                    break;
                }
            }
            if (segments.isEmpty()) {
                segments.add(LogSegment.create(dir, Math.max(0, logStartOffset), config, clock.wallClockMs()));
            }
            LogSegment active = ensureWritable(segments);
            if (logStartOffset > active.nextOffset()) {
                active = restartEmptyAt(segments, logStartOffset);
            }
            long logEnd = active.nextOffset();
            epochs.truncateFromEnd(logEnd);
            long start = Math.max(logStartOffset, segments.get(0).baseOffset());
            epochs.truncateFromStart(start);
            // Every recovered segment was synced when it was cut to its data, the others were flushed before.
            long newRecoveryPoint = hadCleanShutdown || recovered > 0 ? logEnd : recoveryPoint;
            RecoveryReport report = new RecoveryReport(segments.size(), recovered, truncatedBytes, corruptBatches,
                deleted, bytesScanned, firstProblem);
            return new Loaded(segments, start, Math.min(newRecoveryPoint, logEnd), report);
        } catch (IOException | RuntimeException e) {
            for (LogSegment segment : segments) {
                segment.closeForReplacement();
            }
            throw e;
        }
    }

    /**
     * Opens a segment the recovery point vouches for (writable if it is the last) and sizes it by a
     * header walk; cuts what its files hold after the data, if anything, and opens it again. Null if
     * the walk finds garbage: the segment must be recovered.
     */
    private LogSegment loadTrusted(long base, boolean writable) throws IOException {
        LogSegment segment = LogSegment.open(dir, base, config, writable);
        try {
            LogSegment.WalkEnd end = segment.loadByHeaderWalk();
            bytesScanned += segment.bytesScanned();
            if (end == LogSegment.WalkEnd.GARBAGE) {
                segment.closeForReplacement();
                return null;
            }
        } catch (RuntimeException e) {
            segment.closeForReplacement();
            throw e;
        }
        return segment.isUntrimmed() ? cutAndReopen(segment, writable) : segment;
    }

    /**
     * Recovers the segment at {@code base} (opened writable: its indexes are rebuilt), cuts what follows
     * its last valid batch, and adds it, opened again (read-only unless it is the last), to {@code
     * segments}.
     */
    private LogSegment.RecoveryResult recover(long base, boolean last, List<LogSegment> segments) throws IOException {
        LogSegment segment = LogSegment.open(dir, base, config, true);
        LogSegment.RecoveryResult result;
        try {
            result = segment.recover(Math.max(config.maxMessageBytes(), config.segmentBytes()), (epoch, offset) -> {
                if (epoch >= 0) {
                    epochs.assign(epoch, offset);
                }
            });
        } catch (RuntimeException e) {
            segment.closeForReplacement();
            throw e;
        }
        bytesScanned += segment.bytesScanned();
        segments.add(cutAndReopen(segment, last));
        recovered++;
        truncatedBytes += result.truncatedBytes();
        if (result.foundCorruption()) {
            corruptBatches++;
            if (firstProblem.isEmpty()) {
                String what = result.gapBatchOffset() < 0 ? result.stoppedAt().reason()
                    : "zero bytes where a batch header should be, and a valid batch at offset "
                        + result.gapBatchOffset() + " after them (data after a zero gap, discarded)";
                firstProblem = "segment " + base + " at byte " + result.validBytes() + ": " + what;
            }
        }
        return result;
    }

    /**
     * Cuts a loaded segment's files to its data ({@link LogSegment#closeAndCut()}, which syncs them) and
     * opens them again, now exactly the data; their header walk reads the batches after the last index
     * entry.
     */
    private LogSegment cutAndReopen(LogSegment segment, boolean writable) throws IOException {
        long base = segment.baseOffset();
        long expectedNext = segment.nextOffset();
        segment.closeAndCut();
        LogSegment reopened = LogSegment.open(dir, base, config, writable);
        LogSegment.WalkEnd end;
        try {
            end = reopened.loadByHeaderWalk();
        } catch (RuntimeException e) {
            reopened.closeForReplacement();
            throw e;
        }
        bytesScanned += reopened.bytesScanned();
        if (end != LogSegment.WalkEnd.END_OF_FILE || reopened.nextOffset() != expectedNext) {
            reopened.closeForReplacement();
            throw new IOException("segment " + base + " of " + dir + " reads back wrong after cutting it to its data: "
                + end + ", next offset " + reopened.nextOffset() + " instead of " + expectedNext);
        }
        return reopened;
    }

    /**
     * Recovery cut the log below its checkpointed start: the records below it were deleted and must
     * not come back, and a log cannot start after its end. Deletes every segment and starts the log
     * over, empty, at the log start, as a full truncation does.
     */
    private LogSegment restartEmptyAt(List<LogSegment> segments, long logStartOffset) throws IOException {
        List<Long> bases = new ArrayList<>();
        for (LogSegment segment : segments) {
            bases.add(segment.baseOffset());
            segment.closeForReplacement();
        }
        segments.clear();
        deleteSegments(bases);
        epochs.clear();
        LogSegment fresh = LogSegment.create(dir, logStartOffset, config, clock.wallClockMs());
        segments.add(fresh);
        return fresh;
    }

    private boolean indexMissing(long base) {
        return !Files.exists(LogFileNames.offsetIndexFile(dir, base)) || !Files.exists(LogFileNames.timeIndexFile(dir, base));
    }

    private LogSegment ensureWritable(List<LogSegment> segments) throws IOException {
        int lastIndex = segments.size() - 1;
        LogSegment last = segments.get(lastIndex);
        if (last.isWritable()) {
            return last;
        }
        LogSegment writable = LogSegment.open(dir, last.baseOffset(), config, true);
        writable.loadByHeaderWalk();
        last.closeForReplacement();
        segments.set(lastIndex, writable);
        return writable;
    }

    /** Finishes what a crash interrupted in {@link PartitionLog#replaceWithCleaned}. */
    private void completeSwaps() throws IOException {
        List<Path> swaps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (LogFileNames.isCleanedFile(file)) {
                    Files.deleteIfExists(file);
                } else if (LogFileNames.isSwapFile(file)) {
                    swaps.add(file);
                }
            }
        }
        for (Path swap : swaps) {
            long base = LogFileNames.parseBaseOffset(swap);
            // Indexes first: a crash after this step leaves the swap file and no index, which lands here again.
            Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, base));
            Files.deleteIfExists(LogFileNames.timeIndexFile(dir, base));
            Files.move(swap, LogFileNames.logFile(dir, base), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        }
        if (!swaps.isEmpty()) {
            AtomicFiles.fsyncDirectory(dir);
        }
    }

    private void removeLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (LogFileNames.isDeletedFile(file)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private TreeSet<Long> segmentBaseOffsets() throws IOException {
        TreeSet<Long> bases = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (LogFileNames.isLogFile(file)) {
                    bases.add(LogFileNames.parseBaseOffset(file.getFileName().toString()));
                }
            }
        }
        return bases;
    }

    /** Deletes segments whose successor starts at or below the log start: they hold nothing kept. */
    private List<Long> dropSegmentsBelow(TreeSet<Long> bases, long logStartOffset) throws IOException {
        List<Long> kept = new ArrayList<>(bases);
        while (kept.size() > 1 && kept.get(1) <= logStartOffset) {
            deleteSegments(kept.subList(0, 1));
            kept.remove(0);
        }
        return kept;
    }

    private void deleteSegments(List<Long> bases) throws IOException {
        for (long base : bases) {
            Files.deleteIfExists(LogFileNames.logFile(dir, base));
            Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, base));
            Files.deleteIfExists(LogFileNames.timeIndexFile(dir, base));
            deleted++;
        }
    }

    private static long floor(List<Long> bases, long offset) {
        long floor = bases.isEmpty() ? 0 : bases.get(0);
        for (long base : bases) {
            if (base <= offset) {
                floor = base;
            }
        }
        return floor;
    }
}
