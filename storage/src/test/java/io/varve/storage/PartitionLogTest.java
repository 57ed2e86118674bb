package io.varve.storage;

import static io.varve.storage.TestBatches.append;
import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.offsets;
import static io.varve.storage.TestBatches.parse;
import static io.varve.storage.TestBatches.readAll;
import static io.varve.storage.TestBatches.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.BatchStatus;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.checkpoint.EpochEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {

    private static final TopicPartition TP = new TopicPartition("orders", 3);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Map<String, ?> props) throws IOException {
        PartitionLog log = PartitionLog.open(dir.resolve(TP.directoryName()), TP, LogConfig.from(props), clock);
        opened.add(log);
        return log;
    }

    private PartitionLog open() throws IOException {
        return open(Map.of());
    }

    @Test
    void appendAssignsConsecutiveOffsetsAndStampsTheLeaderEpoch() throws IOException {
        PartitionLog log = open();
        AppendResult first = append(log, batch(1000, "a", "b", "c"), 7);
        AppendResult second = append(log, batch(2000, "d", "e"), 7);

        assertEquals(0, first.firstOffset());
        assertEquals(2, first.lastOffset());
        assertEquals(3, second.firstOffset());
        assertEquals(4, second.lastOffset());
        assertEquals(2000, second.maxTimestamp());
        assertEquals(5, log.logEndOffset());
        try (LogSlice slice = log.read(0, Integer.MAX_VALUE)) {
            List<RecordBatch> batches = parse(slice);
            assertEquals(2, batches.size());
            assertEquals(0, batches.get(0).baseOffset());
            assertEquals(3, batches.get(1).baseOffset());
            assertEquals(7, batches.get(1).partitionLeaderEpoch());
            assertEquals(List.of("a", "b", "c", "d", "e"), values(slice));
        }
    }

    @Test
    void readStartsAtTheBatchThatContainsTheOffset() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a", "b", "c"), 0);
        append(log, batch(1, "d", "e", "f"), 0);

        try (LogSlice slice = log.read(4, Integer.MAX_VALUE)) {
            assertEquals(List.of(3L, 4L, 5L), offsets(slice));
        }
    }

    @Test
    void readHonoursMaxBytesButAlwaysReturnsOneWholeBatch() throws IOException {
        PartitionLog log = open();
        UnsafeBuffer b = batch(1, 100, "a");
        append(log, b, 0);
        append(log, batch(1, 100, "b"), 0);

        try (LogSlice slice = log.read(0, 1)) {
            assertEquals(b.capacity(), slice.sizeInBytes());
        }
        try (LogSlice slice = log.read(0, b.capacity() * 2 - 1)) {
            assertEquals(List.of("a"), values(slice));
        }
        try (LogSlice slice = log.read(0, b.capacity() * 2)) {
            assertEquals(List.of("a", "b"), values(slice));
        }
    }

    @Test
    void readAtTheEndIsEmptyAndOutsideTheLogIsOutOfRange() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a"), 0);

        try (LogSlice atEnd = log.read(1, 100); LogSlice past = log.read(2, 100); LogSlice negative = log.read(-1, 100)) {
            assertEquals(LogSlice.Status.OK, atEnd.status());
            assertTrue(atEnd.isEmpty());
            assertEquals(LogSlice.Status.OFFSET_OUT_OF_RANGE, past.status());
            assertEquals(LogSlice.Status.OFFSET_OUT_OF_RANGE, negative.status());
        }
    }

    @Test
    void corruptBatchIsRefusedAndNothingOfTheRequestIsWritten() throws IOException {
        PartitionLog log = open();
        UnsafeBuffer good = batch(1, "a");
        UnsafeBuffer bad = batch(1, "b");
        bad.putByte(bad.capacity() - 1, (byte) (bad.getByte(bad.capacity() - 1) ^ 1));
        UnsafeBuffer both = new UnsafeBuffer(new byte[good.capacity() + bad.capacity()]);
        both.putBytes(0, good, 0, good.capacity());
        both.putBytes(good.capacity(), bad, 0, bad.capacity());

        AppendResult result = log.append(both, 0, both.capacity(), 0);

        assertEquals(AppendError.CORRUPT_RECORD, result.error());
        assertEquals(BatchStatus.CRC_MISMATCH, result.batchStatus());
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void batchLargerThanMessageMaxBytesIsRefused() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.MESSAGE_MAX_BYTES, 200));
        AppendResult result = log.append(batch(1, 300, "big"), 0, batch(1, 300, "big").capacity(), 0);
        assertEquals(AppendError.RECORD_TOO_LARGE, result.error());
    }

    @Test
    void rollsWhenTheSegmentIsFullAndReadsAcrossSegments() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            append(log, batch(i, 50, "v" + i), 0);
            written.add("v" + i);
        }
        assertTrue(log.numberOfSegments() > 3, "segments: " + log.numberOfSegments());
        assertEquals(written, readAll(log, 0));
        assertEquals(written.subList(17, 40), readAll(log, 17));
    }

    @Test
    void rollsWhenTheSegmentIsOlderThanRollMs() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_MS, 1000L));
        append(log, batch(1, "a"), 0);
        clock.advanceMs(999);
        append(log, batch(1, "b"), 0);
        assertEquals(1, log.numberOfSegments());
        clock.advanceMs(1);
        append(log, batch(1, "c"), 0);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }

    @Test
    void truncateToRemovesTheBatchContainingTheOffsetAndEverythingAfter() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        for (int i = 0; i < 30; i++) {
            append(log, batch(i, 50, "v" + i + "a", "v" + i + "b"), i / 10);
        }
        log.truncateTo(21); // offset 21 is the second record of batch 10

        assertEquals(20, log.logEndOffset());
        assertEquals(20, readAll(log, 0).size());
        assertEquals(0, log.leaderEpochCache().latestEpoch().getAsInt(), "epoch 1 began at offset 20, now gone");
        append(log, batch(1, "x"), 5);
        assertEquals(List.of("x"), readAll(log, 20));
    }

    @Test
    void truncateAtTheLogEndDropsAnEpochThatStartsThereWithNoBatchBehindIt() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a", "b", "c"), 0);
        log.leaderEpochCache().assign(1, 3); // led epoch 1 and lost the lead before writing anything

        log.truncateTo(3);

        assertEquals(3, log.logEndOffset(), "no batch goes");
        assertEquals(List.of(new EpochEntry(0, 0)), log.leaderEpochCache().entries(),
            "epoch 1 named no batch: a follower must not report it as its last epoch");
        log.truncateTo(7);
        assertEquals(3, log.logEndOffset(), "past the end nothing changes");
        assertEquals(List.of(new EpochEntry(0, 0)), log.leaderEpochCache().entries());
    }

    @Test
    void truncateIntoTheBatchHoldingTheLogStartNeverLeavesTheStartPastTheEnd() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a", "b", "c"), 0);
        log.advanceLogStartOffset(2);
        log.truncateTo(2); // removes the batch 0..2, which holds the log start

        assertEquals(0, log.logEndOffset());
        assertEquals(0, log.logStartOffset());
        assertEquals(0, append(log, batch(1, "x"), 1).firstOffset());
        assertEquals(List.of("x"), readAll(log, 0));
    }

    @Test
    void truncateFullyStartsAnEmptyLogAtTheOffset() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a", "b"), 0);
        log.truncateFullyAndStartAt(100);

        assertEquals(100, log.logStartOffset());
        assertEquals(100, log.logEndOffset());
        assertEquals(100, append(log, batch(1, "c"), 1).firstOffset());
        assertEquals(List.of("c"), readAll(log, 100));
    }

    @Test
    void reopenAfterCleanCloseKeepsEveryBatch() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            append(log, batch(i, 40, "v" + i), 2);
            written.add("v" + i);
        }
        log.flush();
        log.close();
        opened.clear();

        PartitionLog reopened = open(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        assertEquals(25, reopened.logEndOffset());
        assertEquals(written, readAll(reopened, 0));
        assertTrue(reopened.recoveryReport().isClean());
        append(reopened, batch(1, "next"), 2);
        assertEquals("next", readAll(reopened, 25).get(0));
    }

    @Test
    void retentionBySizeDeletesTheOldestSegmentsAndMovesTheLogStart() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024, LogConfig.RETENTION_BYTES, 2048L));
        for (int i = 0; i < 40; i++) {
            append(log, batch(i, 50, "v" + i), 0);
        }
        int before = log.numberOfSegments();
        int deleted = log.deleteRetainedSegments();

        assertTrue(deleted > 0);
        assertEquals(before - deleted, log.numberOfSegments());
        assertTrue(log.sizeInBytes() <= 2048 + 1024, "size " + log.sizeInBytes());
        assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
        try (LogSlice slice = log.read(0, 100)) {
            assertEquals(LogSlice.Status.OFFSET_OUT_OF_RANGE, slice.status());
        }
        assertEquals(40 - log.logStartOffset(), readAll(log, log.logStartOffset()).size());
    }

    @Test
    void retentionByTimeDeletesSegmentsWhoseNewestRecordIsTooOld() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024, LogConfig.RETENTION_MS, 60_000L));
        long now = clock.wallClockMs();
        for (int i = 0; i < 20; i++) {
            append(log, batch(now - 120_000, 50, "old" + i), 0);
        }
        log.roll();
        append(log, batch(now, "new"), 0);

        assertTrue(log.deleteRetainedSegments() > 0, "old segments must go");
        assertEquals(1, log.numberOfSegments());
        assertEquals(20, log.logStartOffset());
        assertEquals(List.of("new"), readAll(log, 20));
    }

    @Test
    void flushIntervalMessagesMovesTheRecoveryPoint() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.FLUSH_INTERVAL_MESSAGES, 3L));
        append(log, batch(1, "a", "b"), 0);
        assertEquals(0, log.recoveryPoint());
        append(log, batch(1, "c"), 0);
        assertEquals(3, log.recoveryPoint());
    }

    @Test
    void flushIntervalMsFlushesOnTheNextCheckAfterTheInterval() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.FLUSH_INTERVAL_MS, 500L));
        append(log, batch(1, "a"), 0);
        log.maybeFlush();
        assertEquals(0, log.recoveryPoint());
        clock.advanceMs(500);
        log.maybeFlush();
        assertEquals(1, log.recoveryPoint());
    }

    @Test
    void leaderEpochCacheRecordsWhereEachEpochStarts() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a", "b"), 1);
        append(log, batch(1, "c"), 1);
        append(log, batch(1, "d"), 4);

        assertEquals(4, log.leaderEpochCache().latestEpoch().getAsInt());
        assertEquals(3, log.leaderEpochCache().endOffsetFor(1, log.logEndOffset()).endOffset());
    }

    @Test
    void offsetForTimestampFindsTheFirstBatchAtOrAfterIt() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024, LogConfig.INDEX_INTERVAL_BYTES, 0));
        for (int i = 0; i < 30; i++) {
            append(log, batch(10_000 + i * 10L, 30, "v" + i), 0);
        }
        assertEquals(0, log.offsetForTimestamp(0).orElseThrow().offset());
        assertEquals(15, log.offsetForTimestamp(10_150).orElseThrow().offset());
        assertEquals(16, log.offsetForTimestamp(10_151).orElseThrow().offset());
        assertFalse(log.offsetForTimestamp(20_000).isPresent());
    }

    @Test
    void offsetForTimestampIgnoresBatchesBelowTheLogStart() throws IOException {
        PartitionLog log = open();
        append(log, batch(5_000, "old"), 0);
        append(log, batch(1_000, "a", "b"), 0);
        append(log, batch(6_000, "c"), 0);
        log.advanceLogStartOffset(2); // inside the batch 1..2; the batch at 0 is still on disk

        TimestampAndOffset found = log.offsetForTimestamp(4_000).orElseThrow();
        assertEquals(6_000, found.timestamp());
        assertEquals(3, found.offset());
        assertEquals(2, log.offsetForTimestamp(500).orElseThrow().offset(), "the log start, inside the batch");
    }

    @Test
    void appendsAfterAReopenIndexTimeFromTheSegmentsTrueLargestTimestamp() throws IOException {
        Map<String, Object> props = Map.of(LogConfig.INDEX_INTERVAL_BYTES, 1);
        PartitionLog first = open(props);
        append(first, batch(99_999, "newest-first"), 0);
        first.flush();
        first.close();

        PartitionLog log = open(props);
        append(log, batch(200, "a"), 0);
        append(log, batch(300, "b"), 0);
        // Indexed from a running max of -1, the entries (200, 1), (300, 2) made this lookup skip batch 0,
        assertEquals(0, log.offsetForTimestamp(50_000).orElseThrow().offset());
        // and, once the real max was known, this append's entry (99999, 0) went back in offset and threw.
        append(log, batch(400, "c"), 0);

        assertEquals(0, log.offsetForTimestamp(50_000).orElseThrow().offset());
        assertEquals(List.of("newest-first", "a", "b", "c"), readAll(log, 0));
    }

    @Test
    void followerAppendKeepsTheLeadersOffsetsAndRefusesToGoBack() throws IOException {
        PartitionLog leader = open();
        append(leader, batch(1, "a", "b"), 3);
        append(leader, batch(1, "c"), 3);
        PartitionLog follower = PartitionLog.open(dir.resolve("follower"), TP, LogConfig.defaults(), clock);
        opened.add(follower);

        try (LogSlice slice = leader.read(0, Integer.MAX_VALUE)) {
            AppendResult result = follower.appendAsFollower(slice.buffer(), 0, slice.sizeInBytes());
            assertTrue(result.isOk());
            assertEquals(3, follower.logEndOffset());
            assertEquals(3, follower.leaderEpochCache().latestEpoch().getAsInt());
            assertEquals(AppendError.OFFSET_OUT_OF_ORDER,
                follower.appendAsFollower(slice.buffer(), 0, slice.sizeInBytes()).error());
        }
    }

    @Test
    void concurrentReaderSeesOnlyWholeValidBatches() throws Exception {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 64 * 1024));
        int batches = 2000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                long offset = 0;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (offset < batches && System.nanoTime() < deadline) {
                    try (LogSlice slice = log.read(offset, 8192)) {
                        for (RecordBatch batch : parse(slice)) { // parse() checks every CRC
                            if (batch.baseOffset() != offset) {
                                throw new AssertionError("expected " + offset + " got " + batch.baseOffset());
                            }
                            offset = batch.nextOffset();
                        }
                    }
                }
                if (offset != batches) {
                    throw new AssertionError("reader stopped at " + offset);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < batches; i++) {
            append(log, batch(i, 20, "v" + i), 0);
        }
        reader.join(120_000);
        assertFalse(reader.isAlive(), "reader did not finish");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void uncleanOpenRecoversOnlyFromTheRecoveryPointWithDefaultIndexSizes() throws IOException {
        PartitionLog log = open(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        for (int i = 0; i < 30; i++) {
            append(log, batch(i, 50, "v" + i), 0);
        }
        log.flush();
        long recoveryPoint = log.recoveryPoint();
        int segments = log.numberOfSegments();
        Path crashed = dir.resolve("crashed");
        java.nio.file.Files.createDirectories(crashed);
        try (var files = java.nio.file.Files.list(log.dir())) {
            for (Path file : files.toList()) { // untrimmed, preallocated: as a crash leaves them
                java.nio.file.Files.copy(file, crashed.resolve(file.getFileName()));
            }
        }

        PartitionLog recovered = PartitionLog.open(crashed, TP, LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 1024)),
            clock, recoveryPoint, 0, false);
        opened.add(recovered);

        assertEquals(1, recovered.recoveryReport().recoveredSegments(), "segments: " + segments);
        assertEquals(30, recovered.logEndOffset());
        assertEquals(readAll(log, 0), readAll(recovered, 0));
    }

    @Test
    void deleteRemovesEveryFileWhetherTheLogIsOpenOrAlreadyClosed() throws IOException {
        PartitionLog open = open(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        for (int i = 0; i < 20; i++) {
            append(open, batch(i, 50, "v" + i), 1);
        }
        PartitionLog closed = PartitionLog.open(dir.resolve("closed-0"), new TopicPartition("closed", 0),
            LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 1024)), clock);
        append(closed, batch(1, "x"), 1);
        closed.close();

        open.delete();
        closed.delete();

        for (Path logDir : List.of(open.dir(), closed.dir())) {
            try (var files = java.nio.file.Files.list(logDir)) {
                assertEquals(List.of(), files.toList(), logDir + " still holds files");
            }
        }
    }
}
