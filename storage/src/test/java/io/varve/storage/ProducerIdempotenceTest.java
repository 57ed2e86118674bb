package io.varve.storage;

import static io.varve.storage.TestBatches.append;
import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.concat;
import static io.varve.storage.TestBatches.idempotent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.producer.ProducerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotent appends through the partition log (Idempotent Receiver): a retry is answered with its
 * original offsets and appends nothing, before and after a restart — clean, unclean, with the
 * snapshots deleted or corrupt — and truncation rebuilds the state so it never names a lost offset.
 */
class ProducerIdempotenceTest {

    private static final TopicPartition TP = new TopicPartition("payments", 0);
    private static final long PID = 1000;

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock();
    private final List<PartitionLog> opened = new ArrayList<>();
    private int generation;

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Path dir, long recoveryPoint, long logStart, boolean clean) throws IOException {
        LogConfig config = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 1024));
        PartitionLog log = PartitionLog.open(dir, TP, config, clock, recoveryPoint, logStart, clean);
        opened.add(log);
        return log;
    }

    private PartitionLog open() throws IOException {
        return open(root.resolve("gen-0"), 0, 0, true);
    }

    private PartitionLog reopenClean(PartitionLog log) throws IOException {
        log.flush();
        log.close();
        return open(log.dir(), log.recoveryPoint(), log.logStartOffset(), true);
    }

    /** The files of a log still open, as a crash leaves them, opened unclean after {@code damage}. */
    private PartitionLog reopenAfterCrash(PartitionLog log, Damage damage) throws IOException {
        Path copy = CrashFiles.crashCopy(log.dir(), root.resolve("gen-" + (++generation)));
        damage.apply(copy);
        return open(copy, log.recoveryPoint(), log.logStartOffset(), false);
    }

    interface Damage {
        void apply(Path dir) throws IOException;
    }

    private UnsafeBuffer sequenced(int epoch, int baseSequence, int records) {
        return idempotent(PID, (short) epoch, baseSequence, clock.wallClockMs(), records);
    }

    /** Appends batches of 3 records for sequences 0, 3, 6, ...: {@code batches} of them. */
    private void appendSequenced(PartitionLog log, int epoch, int fromSequence, int batches) {
        for (int i = 0; i < batches; i++) {
            append(log, sequenced(epoch, fromSequence + 3 * i, 3), 0);
        }
    }

    private static List<Long> snapshots(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".snapshot"))
                .map(LogFileNames::parseBaseOffset).sorted().toList();
        }
    }

    private static void assertDuplicate(PartitionLog log, UnsafeBuffer retry, long firstOffset, long lastOffset) {
        long end = log.logEndOffset();
        AppendResult result = log.append(retry, 0, retry.capacity(), 0);
        assertTrue(result.isOk() && result.duplicate(), () -> "a duplicate: " + result);
        assertEquals(firstOffset, result.firstOffset());
        assertEquals(lastOffset, result.lastOffset());
        assertEquals(0, result.records());
        assertEquals(end, log.logEndOffset(), "a duplicate appends nothing");
    }

    @Test
    void aRetryIsAnsweredWithTheOriginalOffsetsAndAppendsNothing() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "plain"), 0);
        UnsafeBuffer first = sequenced(0, 0, 3);
        AppendResult original = append(log, first, 0);
        assertFalse(original.duplicate());
        assertEquals(1, original.firstOffset());
        assertDuplicate(log, first, 1, 3);
        assertEquals(4, log.logEndOffset());
    }

    @Test
    void sequenceAndEpochViolationsAreRefusedWithTheirErrors() throws IOException {
        PartitionLog log = open();
        assertEquals(AppendError.OUT_OF_ORDER_SEQUENCE, log.append(sequenced(0, 1, 1), 0, sequenced(0, 1, 1).capacity(), 0).error());
        appendSequenced(log, 2, 0, 1);
        UnsafeBuffer gap = sequenced(2, 4, 1);
        assertEquals(AppendError.OUT_OF_ORDER_SEQUENCE, log.append(gap, 0, gap.capacity(), 0).error());
        UnsafeBuffer zombie = sequenced(1, 3, 1);
        assertEquals(AppendError.INVALID_PRODUCER_EPOCH, log.append(zombie, 0, zombie.capacity(), 0).error());
        assertEquals(3, log.logEndOffset(), "refused appends write nothing");
    }

    @Test
    void anAppendWithOneRefusedBatchWritesNoneOfItsBatches() throws IOException {
        PartitionLog log = open();
        UnsafeBuffer request = concat(batch(1, "plain"), sequenced(0, 0, 2), sequenced(0, 5, 1));
        AppendResult result = log.append(request, 0, request.capacity(), 0);
        assertEquals(AppendError.OUT_OF_ORDER_SEQUENCE, result.error());
        assertEquals(0, log.logEndOffset());
        assertTrue(log.producerStates().isEmpty());
    }

    @Test
    void followerAppendsUpdateTheStateWithoutChecks() throws IOException {
        PartitionLog leader = open();
        appendSequenced(leader, 4, 0, 2);
        PartitionLog follower = open(root.resolve("follower"), 0, 0, true);
        try (LogSlice slice = leader.read(0, Integer.MAX_VALUE)) {
            UnsafeBuffer bytes = new UnsafeBuffer(new byte[slice.sizeInBytes()]);
            bytes.putBytes(0, slice.buffer(), 0, slice.sizeInBytes());
            assertTrue(follower.appendAsFollower(bytes, 0, bytes.capacity()).isOk());
        }
        assertEquals(leader.producerStates(), follower.producerStates());
        assertDuplicate(follower, sequenced(4, 3, 3), 3, 5);
    }

    @Test
    void aRollWritesASnapshotAtTheNewSegmentsBase() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 2);
        log.roll();
        assertEquals(List.of(6L), snapshots(log.dir()));
        appendSequenced(log, 0, 6, 20); // segments of 1024 bytes roll on their own
        assertTrue(log.numberOfSegments() > 2);
        List<Long> expected = log.segmentBaseOffsets().subList(1, log.numberOfSegments());
        assertEquals(expected, snapshots(log.dir()));
    }

    @Test
    void duplicatesAreDetectedAfterACleanRestart() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 12);
        Map<Long, ProducerState> before = log.producerStates();
        log = reopenClean(log);
        assertTrue(snapshots(log.dir()).contains(36L), "a clean close snapshots the log end");
        assertEquals(before, log.producerStates());
        assertDuplicate(log, sequenced(0, 33, 3), 33, 35);
        assertDuplicate(log, sequenced(0, 21, 3), 21, 23);
    }

    @Test
    void anUncleanRestartRebuildsTheSameStateWithOrWithoutSnapshots() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 30);
        append(log, idempotent(77, (short) 0, 0, clock.wallClockMs(), 1), 0);
        appendSequenced(log, 1, 0, 2);
        Map<Long, ProducerState> before = log.producerStates();
        assertTrue(snapshots(log.dir()).size() >= 2, "rolls left snapshots: " + snapshots(log.dir()));

        List<Damage> damages = List.of(
            dir -> { },
            dir -> deleteSnapshots(dir, snapshots(dir)),
            dir -> corruptSnapshot(dir, snapshots(dir).get(snapshots(dir).size() - 1)),
            dir -> {
                for (long snapshot : snapshots(dir)) {
                    corruptSnapshot(dir, snapshot);
                }
            });
        for (Damage damage : damages) {
            PartitionLog reopened = reopenAfterCrash(log, damage);
            assertEquals(before, reopened.producerStates());
            assertDuplicate(reopened, sequenced(1, 3, 3), before.get(PID).lastBatch().firstOffset(),
                before.get(PID).lastBatch().lastOffset());
            UnsafeBuffer zombie = sequenced(0, 90, 1);
            assertEquals(AppendError.INVALID_PRODUCER_EPOCH, reopened.append(zombie, 0, zombie.capacity(), 0).error());
        }
    }

    @Test
    void aCrashThatLosesTheTailDropsTheSnapshotsPastTheNewEnd() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 6);
        log.roll(); // snapshot at 18
        PartitionLog reopened = reopenAfterCrash(log, dir -> {
            List<Long> bases = log.segmentBaseOffsets();
            Files.delete(LogFileNames.logFile(dir, bases.get(bases.size() - 1)));
            CrashFiles.cut(LogFileNames.logFile(dir, bases.get(0)), 0); // the whole log was lost
        });
        assertEquals(0, reopened.logEndOffset());
        assertEquals(List.of(), snapshots(reopened.dir()));
        assertTrue(reopened.producerStates().isEmpty());
        append(reopened, sequenced(0, 0, 3), 0);
    }

    @Test
    void truncationBringsBackBatchesOlderThanTheLastFive() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 10); // offsets 0..29, sequences 0..29
        log.truncateTo(12); // keeps sequences 0..11: their last batch is no longer cached before truncating
        ProducerState state = log.producerStates().get(PID);
        assertEquals(11, state.lastSequence());
        assertEquals(List.of(0L, 3L, 6L, 9L), state.batches().stream().map(b -> b.firstOffset()).toList());
        assertTrue(snapshots(log.dir()).stream().allMatch(o -> o <= 12), "no snapshot past the new end");
        assertDuplicate(log, sequenced(0, 9, 3), 9, 11);
        AppendResult next = append(log, sequenced(0, 12, 3), 0);
        assertEquals(12, next.firstOffset());
    }

    @Test
    void truncationBelowAProducersFirstBatchForgetsIt() throws IOException {
        PartitionLog log = open();
        append(log, batch(1, "a", "b"), 0);
        appendSequenced(log, 0, 0, 1);
        log.truncateTo(1);
        assertTrue(log.producerStates().isEmpty());
        log = reopenClean(log);
        assertTrue(log.producerStates().isEmpty());
        append(log, sequenced(0, 0, 3), 0);
    }

    @Test
    void truncateFullyForgetsEveryProducerAndSnapshot() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 12);
        log.truncateFullyAndStartAt(100);
        assertTrue(log.producerStates().isEmpty());
        assertEquals(List.of(), snapshots(log.dir()));
        assertEquals(100, append(log, sequenced(0, 0, 3), 0).firstOffset());
    }

    @Test
    void producersWhoseBatchesRetentionDeletedAreStillKnownAfterARestart() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 3);
        log.roll();
        append(log, batch(1, "x", "y"), 0);
        log.advanceLogStartOffset(log.logEndOffset());
        assertTrue(snapshots(log.dir()).stream().allMatch(o -> o >= log.logStartOffset()));
        PartitionLog crashed = reopenAfterCrash(log, dir -> { });
        assertEquals(log.producerStates(), crashed.producerStates());
        assertDuplicate(crashed, sequenced(0, 6, 3), 6, 8);
        PartitionLog clean = reopenClean(log);
        assertDuplicate(clean, sequenced(0, 6, 3), 6, 8);
    }

    @Test
    void idleProducersExpireByTheClockAlsoAcrossRestarts() throws IOException {
        PartitionLog log = open();
        appendSequenced(log, 0, 0, 1);
        clock.advanceMs(LogConfig.defaults().producerIdExpirationMs() - 1);
        append(log, idempotent(77, (short) 0, 0, clock.wallClockMs(), 1), 0);
        assertEquals(0, log.removeExpiredProducers());
        clock.advanceMs(1);
        PartitionLog crashed = reopenAfterCrash(log, dir -> { });
        assertEquals(List.of(77L), List.copyOf(crashed.producerStates().keySet()), "expired at open");
        assertEquals(1, log.removeExpiredProducers());
        assertEquals(crashed.producerStates(), log.producerStates());
        UnsafeBuffer next = sequenced(0, 3, 3);
        assertEquals(AppendError.OUT_OF_ORDER_SEQUENCE, log.append(next, 0, next.capacity(), 0).error(),
            "an expired producer is unknown and must start at 0");
    }

    private static void deleteSnapshots(Path dir, List<Long> offsets) throws IOException {
        for (long offset : offsets) {
            Files.delete(dir.resolve(LogFileNames.offsetPrefix(offset) + ".snapshot"));
        }
    }

    private static void corruptSnapshot(Path dir, long offset) throws IOException {
        Path file = dir.resolve(LogFileNames.offsetPrefix(offset) + ".snapshot");
        CrashFiles.flipBit(file, Files.size(file) - 1);
    }
}
