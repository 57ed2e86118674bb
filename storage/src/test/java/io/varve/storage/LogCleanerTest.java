package io.varve.storage;

import static io.varve.storage.CompactionBatches.keyed;
import static io.varve.storage.CompactionBatches.records;
import static io.varve.storage.TestBatches.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.BatchStatus;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.CompactionBatches.Rec;
import io.varve.storage.cleaner.OffsetMap;
import io.varve.storage.cleaner.Throttler;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.producer.ProducerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {

    private static final TopicPartition TP = new TopicPartition("offsets", 0);
    private static final long DAY_MS = 24 * 3600 * 1000L;

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock();
    private final List<PartitionLog> opened = new ArrayList<>();
    private final LogCleaner cleaner = new LogCleaner(1 << 20, clock, Throttler.unbounded(clock));

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private Path dir() {
        return root.resolve(TP.directoryName());
    }

    private static LogConfig compacted() {
        return LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, 1024,
            LogConfig.INDEX_SIZE_MAX_BYTES, 4096));
    }

    private PartitionLog open(LogConfig config) throws IOException {
        PartitionLog log = PartitionLog.open(dir(), TP, config, clock);
        opened.add(log);
        return log;
    }

    private PartitionLog reopen(PartitionLog log, boolean clean) throws IOException {
        if (clean) {
            log.flush();
        }
        log.close();
        opened.remove(log);
        PartitionLog again = PartitionLog.open(dir(), TP, log.config(), clock, 0, 0, clean);
        opened.add(again);
        return again;
    }

    /** Writes {@code rounds} updates of keys k0..k{keys-1}, one small batch per key, then rolls. */
    private Map<String, Long> writeUpdates(PartitionLog log, int keys, int rounds) {
        Map<String, Long> lastOffset = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < keys; k++) {
                AppendResult result = append(log, keyed(Compression.NONE, clock.wallClockMs(), "k" + k, "v" + round), 0);
                lastOffset.put("k" + k, result.lastOffset());
            }
        }
        log.roll();
        return lastOffset;
    }

    @Test
    void cleaningKeepsTheLastValueOfEachKeyAtItsOriginalOffset() throws Exception {
        PartitionLog log = open(compacted());
        Map<String, Long> lastOffset = writeUpdates(log, 5, 20);
        long endBefore = log.logEndOffset();
        int segmentsBefore = log.numberOfSegments();
        assertTrue(segmentsBefore > 3, "small segments: " + segmentsBefore);

        LogCleaner.Stats stats = cleaner.clean(log);

        assertEquals(95, stats.recordsRemoved());
        List<Rec> survivors = records(log);
        assertEquals(5, survivors.size(), survivors::toString);
        for (Rec rec : survivors) {
            assertEquals("v19", rec.value());
            assertEquals(lastOffset.get(rec.key()), rec.offset(), "offset preserved for " + rec.key());
        }
        assertEquals(endBefore, log.logEndOffset());
        assertEquals(segmentsBefore, log.numberOfSegments(), "segments keep their bases (empty batches hold the ends)");
        assertEquals(log.activeSegment().baseOffset(), log.firstDirtyOffset());
        assertTrue(log.sizeInBytes() < 1024 * 2L, "the log shrank: " + log.sizeInBytes());
    }

    @Test
    void aReplacedSegmentIsUnmappedAndDeletedWithItsLastReaderAndItsCopyMappedAtItsLength() throws Exception {
        assumeTrue(MappedResidency.available(), "needs /proc/self/maps");
        PartitionLog log = open(compacted());
        writeUpdates(log, 5, 20);
        long base = log.segmentBaseOffsets().get(0);
        Path logFile = LogFileNames.logFile(dir(), base);
        Path replaced = LogFileNames.deletedFile(logFile);
        LogSlice reading = log.read(base, 1); // a fetch still writing the old bytes to a socket

        assertNotNull(cleaner.clean(log));

        assertTrue(MappedResidency.isMapped(replaced), "the reader's mapping stays");
        reading.close();
        assertFalse(Files.exists(replaced), "deleted with its last reader");
        assertFalse(MappedResidency.isMapped(replaced), "and unmapped (issue 11: they stayed, resident)");
        assertEquals(log.segments().floor(base).size(), Files.size(logFile),
            "the cleaned copy is mapped at its length, not preallocated to log.segment.bytes");
    }

    @Test
    void theActiveSegmentIsNeverCleaned() throws Exception {
        PartitionLog log = open(compacted());
        writeUpdates(log, 2, 10);
        append(log, keyed(Compression.NONE, clock.wallClockMs(), "k0", "a1"), 0);
        append(log, keyed(Compression.NONE, clock.wallClockMs(), "k0", "a2"), 0);

        cleaner.clean(log);

        List<Rec> survivors = records(log);
        List<String> k0 = survivors.stream().filter(r -> r.key().equals("k0")).map(Rec::value).toList();
        assertEquals(List.of("v9", "a1", "a2"), k0, "the active segment keeps both of its updates");
    }

    @Test
    void aCompactedLogRefusesRecordsWithoutKey() throws IOException {
        PartitionLog log = open(compacted());
        UnsafeBuffer keyless = keyed(Compression.gzip().build(), clock.wallClockMs(), "k", "v", null, "no key");

        AppendResult result = log.append(keyless, 0, keyless.capacity(), 0);

        assertEquals(AppendError.CORRUPT_RECORD, result.error());
        assertEquals(BatchStatus.MISSING_KEY, result.batchStatus());
        assertEquals(0, log.logEndOffset());
        PartitionLog plain = PartitionLog.open(root.resolve("plain-0"), new TopicPartition("plain", 0),
            LogConfig.defaults(), clock);
        opened.add(plain);
        assertTrue(plain.append(keyless, 0, keyless.capacity(), 0).isOk(), "a delete-policy log takes them");
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterTheirFirstCleaningThenGo() throws Exception {
        PartitionLog log = open(LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, 1024,
            LogConfig.DELETE_RETENTION_MS, DAY_MS)));
        writeUpdates(log, 3, 8);
        AppendResult tombstone = append(log, keyed(Compression.lz4().build(), clock.wallClockMs(), "k1", null), 0);
        log.roll();

        cleaner.clean(log);
        assertTrue(records(log).contains(new Rec(tombstone.firstOffset(), "k1", null)), "the tombstone is kept");
        assertTrue(records(log).stream().noneMatch(r -> r.key().equals("k1") && r.value() != null), "k1's value is gone");

        clock.advanceMs(DAY_MS - 1);
        cleaner.clean(log);
        assertTrue(records(log).contains(new Rec(tombstone.firstOffset(), "k1", null)), "still inside delete.retention.ms");
        assertFalse(CleanableSection.of(log, clock.wallClockMs()).needsCleaning(log, clock.wallClockMs()));

        clock.advanceMs(1);
        assertTrue(CleanableSection.of(log, clock.wallClockMs()).needsCleaning(log, clock.wallClockMs()),
            "a passed horizon makes the log need cleaning");
        cleaner.clean(log);
        assertTrue(records(log).stream().noneMatch(r -> r.key().equals("k1")), "the tombstone is gone: " + records(log));
        assertEquals(2, records(log).size());
    }

    @Test
    void theIdempotentProducerStateSurvivesCleaningAndARestart() throws Exception {
        PartitionLog log = open(compacted());
        long producerId = 42;
        short epoch = 3;
        for (int seq = 0; seq < 10; seq++) {
            append(log, keyed(Compression.NONE, clock.wallClockMs(), producerId, epoch, seq, "p", "p" + seq), 0);
        }
        UnsafeBuffer last = keyed(Compression.NONE, clock.wallClockMs(), producerId, epoch, 10, "p", "p10");
        append(log, last, 0);
        writeUpdates(log, 2, 6); // later records; p's batches stay the last of its producer
        append(log, keyed(Compression.NONE, clock.wallClockMs(), "p", "overwritten"), 0);
        log.roll();
        Map<Long, ProducerState> before = log.producerStates();

        cleaner.clean(log);

        assertEquals(before, log.producerStates());
        assertTrue(records(log).stream().noneMatch(r -> r.value().startsWith("p")), "p's values are all superseded");
        AppendResult retry = log.append(last, 0, last.capacity(), 0);
        assertTrue(retry.isOk() && retry.duplicate(), "a retry of the last batch is still a duplicate: " + retry);
        log.close();
        opened.remove(log);
        try (Stream<Path> files = Files.list(dir())) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().endsWith(".snapshot")) {
                    Files.delete(file); // force a rebuild from the cleaned batches themselves
                }
            }
        }
        PartitionLog again = PartitionLog.open(dir(), TP, compacted(), clock, 0, 0, false);
        opened.add(again);
        assertEquals(before, again.producerStates());
    }

    @Test
    void appendsGoOnWhileTheCleanerRunsAndAreUntouched() throws Exception {
        PartitionLog log = open(compacted());
        writeUpdates(log, 4, 10);
        List<Long> appendedDuringCleaning = new ArrayList<>();
        // The throttler's wait is where the cleaner yields: each wait appends (and rolls) on the log.
        Throttler appending = new Throttler(1_000, clock, ms -> {
            clock.advanceMs(ms);
            AppendResult result = append(log, keyed(Compression.NONE, clock.wallClockMs(), "k0", "during"), 0);
            appendedDuringCleaning.add(result.firstOffset());
            log.roll();
        });
        LogCleaner throttled = new LogCleaner(1 << 20, clock, appending);

        LogCleaner.Stats stats = throttled.clean(log);

        assertNotNull(stats);
        assertTrue(appendedDuringCleaning.size() > 2, "the cleaner was paced: " + appendedDuringCleaning);
        List<Rec> k0 = records(log).stream().filter(r -> r.key().equals("k0")).toList();
        assertEquals("v9", k0.get(0).value());
        assertEquals(appendedDuringCleaning, k0.stream().skip(1).map(Rec::offset).toList(),
            "records appended during the pass are all there");
        assertEquals(appendedDuringCleaning.get(appendedDuringCleaning.size() - 1) + 1, log.logEndOffset());
    }

    @Test
    void aCrashWithACleanedFileLeftOverRecoversTheUncleanedLog() throws Exception {
        PartitionLog log = open(compacted());
        writeUpdates(log, 3, 10);
        List<Rec> before = records(log);
        long base = log.segmentBaseOffsets().get(0);
        Path cleaned = LogFileNames.cleanedFile(LogFileNames.logFile(dir(), base));
        Files.write(cleaned, new byte[] {1, 2, 3});

        PartitionLog again = reopen(log, false);

        assertFalse(Files.exists(cleaned));
        assertEquals(before, records(again));
    }

    @Test
    void aCrashWithASwapFileLeftOverFinishesTheSwap() throws Exception {
        PartitionLog log = open(compacted());
        writeUpdates(log, 3, 10);
        log.flush();
        log.close();
        opened.remove(log);
        Path saved = root.resolve("saved");
        copyDir(dir(), saved);
        PartitionLog live = open(compacted());
        cleaner.clean(live);
        List<Long> bases = live.segmentBaseOffsets();
        long end = live.logEndOffset();
        List<Rec> firstSegment = records(live).stream().filter(r -> r.offset() < bases.get(1)).toList();
        live.close();
        opened.remove(live);
        Path cleanedLog = root.resolve("cleaned.log");
        Files.copy(LogFileNames.logFile(dir(), bases.get(0)), cleanedLog);
        Path swap = LogFileNames.swapFile(LogFileNames.logFile(dir(), bases.get(0)));

        // The crash: the old segment's files are all there, the first segment's cleaned copy waits as .swap.
        deleteDir(dir());
        copyDir(saved, dir());
        Files.copy(cleanedLog, swap);
        PartitionLog recovered = PartitionLog.open(dir(), TP, compacted(), clock, 0, 0, false);
        opened.add(recovered);
        assertEquals(firstSegment, records(recovered).stream().filter(r -> r.offset() < bases.get(1)).toList());
        assertFalse(Files.exists(swap));
        assertEquals(end, recovered.logEndOffset());
        assertEquals(bases, recovered.segmentBaseOffsets());

        // Later in the swap: the old .log already renamed away (its .deleted file is removed at open).
        recovered.close();
        opened.remove(recovered);
        deleteDir(dir());
        copyDir(saved, dir());
        Files.move(LogFileNames.logFile(dir(), bases.get(0)),
            LogFileNames.deletedFile(LogFileNames.logFile(dir(), bases.get(0))));
        Files.copy(cleanedLog, swap);
        PartitionLog recoveredAgain = PartitionLog.open(dir(), TP, compacted(), clock, 0, 0, false);
        opened.add(recoveredAgain);
        assertEquals(firstSegment, records(recoveredAgain).stream().filter(r -> r.offset() < bases.get(1)).toList());
        assertEquals(end, recoveredAgain.logEndOffset());
    }

    @Test
    void aCompactedLogRecoversAfterAnUncleanShutdown() throws Exception {
        PartitionLog log = open(compacted());
        writeUpdates(log, 3, 10);
        append(log, keyed(Compression.zstd().build(), clock.wallClockMs(), "k0", "x", "k1", "y", "k0", "z"), 0);
        log.roll();
        cleaner.clean(log);
        List<Rec> compactedRecords = records(log);

        PartitionLog again = reopen(log, false); // recovery point 0: every batch validated again

        assertEquals(compactedRecords, records(again));
        assertEquals(0, again.recoveryReport().corruptBatches(), again.recoveryReport()::toString);
        assertEquals(log.logEndOffset(), again.logEndOffset());
    }

    @Test
    void onlyCompactedLogsWithEnoughDirtyBytesAreChosen() throws Exception {
        PartitionLog log = open(LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, 1024,
            LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.5")));
        assertTrue(cleaner.cleanDirtiest(List.of(log)).isEmpty(), "an empty log needs nothing");
        writeUpdates(log, 4, 12);
        assertEquals(1.0, cleaner.dirtyRatio(log));

        assertTrue(cleaner.cleanDirtiest(List.of(log)).isPresent());
        assertEquals(0.0, cleaner.dirtyRatio(log));
        assertTrue(cleaner.cleanDirtiest(List.of(log)).isEmpty(), "nothing dirty is left");
    }

    @Test
    void aDedupeBufferTooSmallForTheDirtyKeysCleansInSeveralPasses() throws Exception {
        PartitionLog log = open(compacted());
        Map<String, Long> lastOffset = writeUpdates(log, 30, 4);
        long activeBase = log.activeSegment().baseOffset();
        LogCleaner tiny = new LogCleaner(16L * OffsetMap.BYTES_PER_ENTRY, clock, Throttler.unbounded(clock)); // 14 keys

        tiny.clean(log);
        assertTrue(log.firstDirtyOffset() < activeBase, "the first pass stopped where its map filled up");
        for (int pass = 0; pass < 20 && log.firstDirtyOffset() < activeBase; pass++) {
            tiny.clean(log);
        }

        assertEquals(activeBase, log.firstDirtyOffset());
        List<Rec> survivors = records(log);
        assertEquals(30, survivors.size(), survivors::toString);
        survivors.forEach(rec -> assertEquals(lastOffset.get(rec.key()), rec.offset()));
    }

    @Test
    void retentionLeavesACompactOnlyLogAlone() throws Exception {
        PartitionLog log = open(LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, 1024,
            LogConfig.RETENTION_MS, 1L)));
        writeUpdates(log, 2, 10);
        clock.advanceMs(10);
        assertEquals(0, log.deleteRetainedSegments());
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteDir(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }
}
