package io.varve.storage;

import static io.varve.storage.CrashFiles.crashCopy;
import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.readBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.TestBatches.Stored;
import io.varve.storage.checkpoint.EpochEntry;
import io.varve.storage.checkpoint.LeaderEpochCache;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.index.OffsetIndex;
import io.varve.storage.index.TimeIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash recovery (DESIGN §4): a log is written through an open {@link PartitionLog}, its files are
 * copied byte for byte while it is still open (untrimmed and preallocated, as a crash leaves them),
 * the copy is damaged, and the copy is opened as after an unclean shutdown. The rule every case
 * checks: the log recovers to exactly the batches that are whole and valid — compared with what was
 * written, through kafka-clients — and then appends at the offset right after them.
 */
class LogRecoveryTest {

    private static final TopicPartition TP = new TopicPartition("crash", 0);
    private static final LogConfig CONFIG = LogConfig.from(Map.of(
        LogConfig.SEGMENT_BYTES, 1024, LogConfig.MESSAGE_MAX_BYTES, 1024,
        LogConfig.INDEX_INTERVAL_BYTES, 1, LogConfig.INDEX_SIZE_MAX_BYTES, 1200));

    /** A batch as written, and where it lies on disk. */
    record Placed(Stored batch, long segmentBase, int position, int size) {

        Path logFile(Path dir) {
            return LogFileNames.logFile(dir, segmentBase);
        }
    }

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<PartitionLog> opened = new ArrayList<>();
    private final List<Placed> written = new ArrayList<>();
    private final Map<Long, Integer> segmentSizes = new HashMap<>();
    private PartitionLog live;

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Path dir, long recoveryPoint, long logStart, boolean clean) throws IOException {
        return open(dir, CONFIG, recoveryPoint, logStart, clean);
    }

    private PartitionLog open(Path dir, LogConfig config, long recoveryPoint, long logStart, boolean clean)
        throws IOException {
        PartitionLog log = PartitionLog.open(dir, TP, config, clock, recoveryPoint, logStart, clean);
        opened.add(log);
        return log;
    }

    private PartitionLog openLive() throws IOException {
        live = open(root.resolve("live"), 0, 0, true);
        return live;
    }

    /** Appends {@code count} two-record batches at {@code epoch}, remembering each one's place. */
    private void write(int count, int epoch) {
        write(count, epoch, 40);
    }

    private void write(int count, int epoch, int padding) {
        for (int i = 0; i < count; i++) {
            int n = written.size();
            long timestamp = 10_000 + 10L * n;
            UnsafeBuffer bytes = batch(timestamp, padding, "v" + n, "w" + n);
            AppendResult result = TestBatches.append(live, bytes, epoch);
            List<Long> bases = live.segmentBaseOffsets();
            long segmentBase = bases.get(bases.size() - 1);
            int position = segmentSizes.getOrDefault(segmentBase, 0);
            segmentSizes.put(segmentBase, position + bytes.capacity());
            Stored stored = new Stored(result.firstOffset(), timestamp, epoch, List.of("v" + n, "w" + n));
            written.add(new Placed(stored, segmentBase, position, bytes.capacity()));
        }
    }

    private List<Stored> expectedUpTo(int batchesKept) {
        return written.subList(0, batchesKept).stream().map(Placed::batch).toList();
    }

    /** The log holds exactly the first {@code batchesKept} batches written and appends after them. */
    private void assertRecoveredTo(PartitionLog log, int batchesKept) {
        List<Stored> expected = expectedUpTo(batchesKept);
        long end = batchesKept == 0 ? 0 : expected.get(batchesKept - 1).nextOffset();
        assertEquals(end, log.logEndOffset(), "log end");
        assertEquals(expected, readBatches(log, log.logStartOffset()));
        assertTrue(log.recoveryPoint() <= end, "recovery point " + log.recoveryPoint() + " past the end " + end);
        AppendResult next = TestBatches.append(log, batch(99_999, "after-crash"), 50);
        assertEquals(end, next.firstOffset(), "next append goes right after the valid batches");
        List<Stored> tail = readBatches(log, end);
        assertEquals(List.of(new Stored(end, 99_999, 50, List.of("after-crash"))), tail);
    }

    private Path copy(String name) throws IOException {
        return crashCopy(live.dir(), root.resolve(name));
    }

    private Placed last() {
        return written.get(written.size() - 1);
    }

    @Test
    void tornLastBatchIsCutAtEveryByteItCouldHaveBeenTornAt() throws IOException {
        openLive();
        write(2, 1);
        live.roll();
        write(2, 1);
        write(1, 1, 0); // a small last batch keeps the number of cut points, and the run time, small
        Placed torn = last();
        byte[] original = Files.readAllBytes(torn.logFile(live.dir()));
        int end = torn.position() + torn.size();
        for (int cut = torn.position(); cut <= end; cut++) {
            Path dir = copy("cut-" + cut);
            CrashFiles.cut(torn.logFile(dir), cut);
            PartitionLog log = open(dir, 0, 0, false);
            // A cut that loses only zero bytes (the batch ends in a zero header count) loses nothing:
            // the reopened file reads as zeros there.
            boolean whole = isZero(original, cut, end);
            assertRecoveredTo(log, whole ? written.size() : written.size() - 1);
            assertEquals(0, log.recoveryReport().deletedSegments());
            log.close();
        }
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void zeroFilledTailReadsAsTheEndOfTheLog() throws IOException {
        openLive();
        write(4, 1);
        PartitionLog whole = open(copy("as-is"), 0, 0, false);
        assertRecoveredTo(whole, 4);
        assertTrue(whole.recoveryReport().isClean(), whole.recoveryReport().toString());
        assertEquals(1, whole.recoveryReport().recoveredSegments());

        Path zeroed = copy("last-zeroed");
        CrashFiles.fill(last().logFile(zeroed), last().position(), last().size(), (byte) 0);
        assertRecoveredTo(open(zeroed, 0, 0, false), 3);

        Path halfZeroed = copy("last-half-zeroed");
        int half = last().size() / 2;
        CrashFiles.fill(last().logFile(halfZeroed), last().position() + half, last().size() - half, (byte) 0);
        PartitionLog log = open(halfZeroed, 0, 0, false);
        assertRecoveredTo(log, 3);
        assertEquals(1, log.recoveryReport().corruptBatches());
    }

    @Test
    void dataAfterAZeroGapIsReportedWhenTheIndexWitnessedItAndNeverComesBack() throws IOException {
        openLive();
        write(5, 1);
        Placed gap = written.get(2);
        Path dir = copy("zero-gap");
        // A power loss after the OS wrote back the pages of batches 3 and 4 but not those of batch 2.
        CrashFiles.fill(gap.logFile(dir), gap.position(), gap.size(), (byte) 0);

        PartitionLog log = open(dir, 0, 0, false);

        assertEquals(expectedUpTo(2), readBatches(log, 0), "the log ends at the gap: nothing after it is served");
        RecoveryReport report = log.recoveryReport();
        assertEquals(1, report.corruptBatches(), "not a quiet end of the log: " + report);
        assertTrue(report.firstProblem().contains("zero gap"), report.firstProblem());
        assertEquals(last().size(), report.truncatedBytes(), "counted from the batch the offset index names");

        // A batch of the same size as the lost one now ends exactly where batch 3 began: had batch 3 been
        // left in the file, with offsets after the new batch's, the next recovery would serve it again.
        UnsafeBuffer sameSize = batch(10_000 + 20, 40, "v2", "w2");
        assertEquals(gap.size(), sameSize.capacity());
        assertEquals(4, TestBatches.append(log, sameSize, 1).firstOffset());
        PartitionLog again = open(crashCopy(log.dir(), root.resolve("crashed-again")), 0, 0, false);
        assertEquals(6, again.logEndOffset(), "the batches after the gap never come back");
        assertTrue(again.recoveryReport().isClean(), again.recoveryReport().toString());
    }

    @Test
    void bitFlipInTheLastBatchDropsIt() throws IOException {
        openLive();
        write(4, 1);
        Path dir = copy("flipped");
        CrashFiles.flipBit(last().logFile(dir), last().position() + last().size() - 3);
        PartitionLog log = open(dir, 0, 0, false);
        assertRecoveredTo(log, 3);
        assertEquals(1, log.recoveryReport().corruptBatches());
        assertTrue(log.recoveryReport().firstProblem().contains("CRC"), log.recoveryReport().firstProblem());
        assertEquals(last().size(), log.recoveryReport().truncatedBytes(), "the batch its header says it was");
    }

    @Test
    void bitFlipInAMiddleBatchOfTheLastSegmentDropsItAndEverythingAfter() throws IOException {
        openLive();
        write(5, 1);
        Placed middle = written.get(2);
        Path dir = copy("flipped-middle");
        CrashFiles.flipBit(middle.logFile(dir), middle.position() + middle.size() - 3);
        PartitionLog log = open(dir, 0, 0, false);
        assertRecoveredTo(log, 2);
        RecoveryReport report = log.recoveryReport();
        assertEquals(1, report.corruptBatches());
        assertFalse(report.isClean());
        assertEquals(3 * middle.size(), report.truncatedBytes(), "the corrupt batch and the two its header chains to");
    }

    @Test
    void corruptBatchInAMiddleSegmentEndsTheLogThereAndDeletesLaterSegments() throws IOException {
        openLive();
        for (int segment = 0; segment < 4; segment++) {
            write(3, segment < 3 ? 1 : 2); // a new leader wrote the fourth segment on
            live.roll();
        }
        write(1, 2);
        Placed corrupt = written.get(7); // the second batch of the third segment
        assertEquals(12, written.get(6).segmentBase(), "batches 6..8 make up the third segment");
        Path dir = copy("corrupt-middle");
        CrashFiles.flipBit(corrupt.logFile(dir), corrupt.position() + corrupt.size() - 3);
        long recoveryPoint = written.get(3).batch().baseOffset(); // in the second segment, before the damage

        PartitionLog log = open(dir, recoveryPoint, 0, false);

        assertEquals(List.of(new EpochEntry(1, 0)), log.leaderEpochCache().entries(), "epoch 2 began after the damage");
        assertRecoveredTo(log, 7);
        RecoveryReport report = log.recoveryReport();
        assertEquals(1, report.corruptBatches());
        assertEquals(2, report.deletedSegments(), "the fourth and the fifth segment lay after the corruption");
        assertEquals(List.of(0L, 6L, 12L), log.segmentBaseOffsets());
        for (long base : List.of(18L, 24L)) {
            assertFalse(Files.exists(LogFileNames.logFile(dir, base)), "segment " + base + " must be gone");
        }
    }

    static Stream<Arguments> indexDamage() {
        List<Arguments> cases = new ArrayList<>();
        for (String suffix : List.of(LogFileNames.OFFSET_INDEX_SUFFIX, LogFileNames.TIME_INDEX_SUFFIX)) {
            for (String damage : List.of("delete", "garbage", "odd-length")) {
                for (boolean clean : List.of(true, false)) {
                    cases.add(Arguments.of(suffix, damage, clean));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}, clean shutdown {2}")
    @MethodSource("indexDamage")
    void damagedIndexesAreRebuiltAndLookupsStayCorrect(String suffix, String damage, boolean clean) throws IOException {
        openLive();
        for (int segment = 0; segment < 3; segment++) {
            write(4, 1);
            live.roll();
        }
        write(2, 1);
        Path dir;
        long recoveryPoint;
        if (clean) {
            live.flush();
            live.close();
            dir = live.dir();
            recoveryPoint = live.logEndOffset();
        } else {
            dir = copy("crashed");
            recoveryPoint = live.logEndOffset(); // only the last segment is recovered; the others are trusted
        }
        for (long base : live.segmentBaseOffsets()) {
            damage(dir.resolve(LogFileNames.offsetPrefix(base) + suffix), damage, suffix);
        }

        PartitionLog log = open(dir, recoveryPoint, 0, clean);

        assertEquals(expectedUpTo(written.size()), readBatches(log, 0));
        for (Placed placed : written) {
            Stored batch = placed.batch();
            try (LogSlice slice = log.read(batch.baseOffset() + 1, 1)) {
                assertEquals(List.of(batch.baseOffset(), batch.baseOffset() + 1), TestBatches.offsets(slice));
            }
            var found = log.offsetForTimestamp(batch.maxTimestamp()).orElseThrow();
            assertEquals(batch.baseOffset(), found.offset(), "offset for timestamp " + batch.maxTimestamp());
            assertEquals(batch.baseOffset(), log.offsetForTimestamp(batch.maxTimestamp() - 5).orElseThrow().offset());
        }
        log.close();
        int entrySize = suffix.equals(LogFileNames.OFFSET_INDEX_SUFFIX) ? OffsetIndex.ENTRY_SIZE : TimeIndex.ENTRY_SIZE;
        for (long base : log.segmentBaseOffsets()) {
            Path index = dir.resolve(LogFileNames.offsetPrefix(base) + suffix);
            long length = Files.size(index);
            assertTrue(length > 0 && length % entrySize == 0, index + " rebuilt, but " + length + " bytes long");
        }
    }

    private static void damage(Path index, String damage, String suffix) throws IOException {
        switch (damage) {
            case "delete" -> Files.delete(index);
            case "garbage" -> CrashFiles.fill(index, 0, 24, (byte) 0x55);
            case "odd-length" -> CrashFiles.append(index, 3, (byte) 0x11);
            default -> throw new IllegalArgumentException(damage + " of " + suffix);
        }
    }

    @Test
    void staleRecoveryPointAtZeroRecoversEverySegment() throws IOException {
        openLive();
        for (int segment = 0; segment < 4; segment++) {
            write(3, 1);
            live.roll();
        }
        write(2, 1);
        PartitionLog log = open(copy("from-zero"), 0, 0, false);
        assertEquals(5, log.recoveryReport().recoveredSegments());
        assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
        assertRecoveredTo(log, written.size());
    }

    @Test
    void recoveryPointBeyondTheLogEndIsNotBelieved() throws IOException {
        openLive();
        for (int segment = 0; segment < 3; segment++) {
            write(3, 1);
            live.roll();
        }
        write(3, 1);
        Path dir = copy("beyond");
        CrashFiles.cut(last().logFile(dir), last().position() + last().size() / 2);
        PartitionLog log = open(dir, 1_000_000, 0, false);
        assertRecoveredTo(log, written.size() - 1);
        assertEquals(1, log.recoveryReport().recoveredSegments(), "the last segment is always recovered");
    }

    @Test
    void logStartBeyondTheRecoveredEndRestartsTheLogEmptyAtTheLogStart() throws IOException {
        openLive();
        write(2, 1);
        live.roll();
        write(2, 1);
        live.advanceLogStartOffset(7); // inside the last batch, 6..7
        Path dir = copy("start-past-end");
        CrashFiles.cut(last().logFile(dir), last().position() + last().size() / 2);

        PartitionLog log = open(dir, 0, 7, false);

        assertEquals(7, log.logStartOffset());
        assertEquals(7, log.logEndOffset(), "nothing below the checkpointed log start may come back");
        try (LogSlice slice = log.read(6, 100)) {
            assertEquals(LogSlice.Status.OFFSET_OUT_OF_RANGE, slice.status());
        }
        assertEquals(7, TestBatches.append(log, batch(1, "next"), 2).firstOffset());
        assertEquals(List.of(new Stored(7, 1, 2, List.of("next"))), readBatches(log, 7));
    }

    @Test
    void leaderEpochCheckpointAheadOfTheRecoveredLogIsTruncatedToIt() throws IOException {
        openLive();
        write(2, 1);
        write(2, 2);
        write(1, 3);
        Path dir = copy("epochs");
        CrashFiles.cut(last().logFile(dir), last().position() + 10);
        LeaderEpochCache.load(dir).assign(9, 1_000);

        PartitionLog log = open(dir, 0, 0, false);

        long end = last().batch().baseOffset();
        assertEquals(end, log.logEndOffset());
        assertEquals(OptionalInt.of(2), log.leaderEpochCache().latestEpoch());
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 4)), log.leaderEpochCache().entries());
        assertEquals(log.leaderEpochCache().entries(), LeaderEpochCache.load(dir).entries(), "persisted");
    }

    @Test
    void leftoversOfAnInterruptedDeletionAreRemovedAtOpen() throws IOException {
        openLive();
        write(3, 1);
        live.flush();
        live.close();
        Path dir = live.dir();
        for (String name : List.of("00000000000000000077.log.deleted", "00000000000000000077.index.deleted",
            "00000000000000000077.timeindex.deleted")) {
            Files.write(dir.resolve(name), new byte[] {1, 2, 3});
        }
        PartitionLog log = open(dir, 6, 0, true);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(LogFileNames::isDeletedFile).toList());
        }
        assertRecoveredTo(log, 3);
    }

    @Test
    void cleanCloseTrimsEveryFileAndTheNextOpenRecoversNothing() throws IOException {
        openLive();
        for (int segment = 0; segment < 3; segment++) {
            write(3, 1);
            live.roll();
        }
        write(2, 1);
        live.flush();
        live.close();
        assertFilesTrimmed(live.dir());

        PartitionLog log = open(live.dir(), live.recoveryPoint(), 0, true);
        assertEquals(0, log.recoveryReport().recoveredSegments());
        assertTrue(log.recoveryReport().isClean());
        assertRecoveredTo(log, written.size());
    }

    @Test
    void indexEntryForEveryBatchSurvivesACleanReopen() throws IOException {
        LogConfig everyBatch = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 1024, LogConfig.MESSAGE_MAX_BYTES, 1024,
            LogConfig.INDEX_INTERVAL_BYTES, 0));
        live = open(root.resolve("every-batch"), everyBatch, 0, 0, true);
        write(3, 1);
        live.flush();
        live.close();

        PartitionLog log = open(live.dir(), everyBatch, live.recoveryPoint(), 0, true);

        assertEquals(0, log.recoveryReport().recoveredSegments(), "the index must not read as corrupt");
        assertRecoveredTo(log, 3);
    }

    @Test
    void cleanCloseAfterACrashRecoveryTrimsEveryFileToo() throws IOException {
        openLive();
        for (int segment = 0; segment < 3; segment++) {
            write(3, 1);
            live.roll();
        }
        write(2, 1);
        Path dir = copy("crashed");
        PartitionLog recovered = open(dir, live.logEndOffset(), 0, false);
        recovered.flush();
        recovered.close();
        assertFilesTrimmed(dir);

        PartitionLog log = open(dir, recovered.recoveryPoint(), 0, true);
        assertEquals(0, log.recoveryReport().recoveredSegments());
        assertEquals(expectedUpTo(written.size()), readBatches(log, 0));
    }

    private void assertFilesTrimmed(Path dir) throws IOException {
        for (Map.Entry<Long, Integer> segment : segmentSizes.entrySet()) {
            long base = segment.getKey();
            assertEquals((long) segment.getValue(), Files.size(LogFileNames.logFile(dir, base)), "segment " + base);
            long indexLength = Files.size(LogFileNames.offsetIndexFile(dir, base));
            long timeIndexLength = Files.size(LogFileNames.timeIndexFile(dir, base));
            assertTrue(indexLength < 200 && indexLength % OffsetIndex.ENTRY_SIZE == 0, "index " + indexLength);
            assertTrue(timeIndexLength < 200 && timeIndexLength % TimeIndex.ENTRY_SIZE == 0, "time " + timeIndexLength);
        }
    }
}
