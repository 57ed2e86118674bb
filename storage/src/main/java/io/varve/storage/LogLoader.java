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
 *       checked by a walk of batch headers. A segment that fails that check is recovered.</li>
 *   <li>After an unclean shutdown, every segment from the one holding the recovery point on is
 *       recovered: every batch validated (header, CRC, records, increasing offsets), both indexes
 *       rebuilt, the tail after the last valid batch zeroed. Older segments are sized by a header
 *       walk and recovered only if it finds garbage.</li>
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
                // A missing index cannot be opened read-only: open writable (creating it) and rebuild it.
                boolean mustRecover = base >= recoverFrom || indexMissing(base);
                LogSegment segment = LogSegment.open(dir, base, config, last || mustRecover);
                segments.add(segment);
                if (!mustRecover) {
                    LogSegment trusted = loadTrusted(segment);
                    if (trusted != null) {
                        segments.set(segments.size() - 1, trusted);
                        continue;
                    }
                }
                if (!segment.isWritable()) {
                    segment.closeForReplacement();
                    segment = LogSegment.open(dir, base, config, true);
                    segments.set(segments.size() - 1, segment);
                }
                LogSegment.RecoveryResult result = recover(segment);
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
            long newRecoveryPoint = hadCleanShutdown ? logEnd : recoveryPoint;
            if (recovered > 0) {
                flushAll(segments);
                newRecoveryPoint = logEnd;
            }
            RecoveryReport report = new RecoveryReport(segments.size(), recovered, truncatedBytes, corruptBatches,
                deleted, firstProblem);
            return new Loaded(segments, start, Math.min(newRecoveryPoint, logEnd), report);
        } catch (IOException | RuntimeException e) {
            for (LogSegment segment : segments) {
                segment.closeForReplacement();
            }
            throw e;
        }
    }

    /**
     * Sizes a segment the recovery point vouches for by a header walk; null if the walk finds
     * garbage and the segment must be recovered. A segment a crash left untrimmed comes back
     * writable (the same mapping size), so that close trims it.
     */
    private LogSegment loadTrusted(LogSegment segment) throws IOException {
        LogSegment.WalkEnd end = segment.loadByHeaderWalk();
        if (end == LogSegment.WalkEnd.GARBAGE) {
            return null;
        }
        if (end == LogSegment.WalkEnd.ZERO_TAIL && !segment.isWritable()) {
            segment.closeForReplacement();
            LogSegment writable = LogSegment.open(dir, segment.baseOffset(), config, true);
            writable.loadByHeaderWalk();
            return writable;
        }
        return segment;
    }

    private static void flushAll(List<LogSegment> segments) throws IOException {
        for (LogSegment segment : segments) {
            segment.flush();
        }
    }

    private LogSegment.RecoveryResult recover(LogSegment segment) {
        LogSegment.RecoveryResult result = segment.recover(Math.max(config.maxMessageBytes(), config.segmentBytes()),
            (epoch, offset) -> {
                if (epoch >= 0) {
                    epochs.assign(epoch, offset);
                }
            });
        recovered++;
        truncatedBytes += result.truncatedBytes();
        if (result.foundCorruption()) {
            corruptBatches++;
            if (firstProblem.isEmpty()) {
                firstProblem = "segment " + segment.baseOffset() + " at byte " + result.validBytes() + ": "
                    + result.stoppedAt().reason();
            }
        }
        return result;
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
