package io.varve.storage;

import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.index.OffsetIndex;
import io.varve.storage.index.TimeIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What opening a log reads (issue 11, defect 4): restart time and resident memory follow the data,
 * never the preallocation. The active segment is preallocated to 256 MiB and its indexes to 10 MiB
 * (sparse files, so the test costs no disk), and holds a few KiB. The proof is what the open reports
 * it walked ({@link RecoveryReport#bytesScanned()}) and, on Linux, how much of each mapped file is
 * resident afterwards ({@code /proc/self/smaps}): a scan of the tail would fault every page of it in.
 */
class LogLoaderTest {

    private static final TopicPartition TP = new TopicPartition("big", 0);
    private static final int SEGMENT_BYTES = 256 << 20;
    private static final LogConfig CONFIG = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, SEGMENT_BYTES,
        LogConfig.INDEX_INTERVAL_BYTES, 1));
    /** What the kernel may map around the pages a load touches (fault-around, readahead): far below the tails. */
    private static final long AROUND_BYTES = 1 << 20;

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<PartitionLog> opened = new ArrayList<>();
    private long dataBytes;
    private long firstSegmentBytes;
    private long lastBatchBytes;

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Path dir, LogConfig config, long recoveryPoint, boolean clean) throws IOException {
        PartitionLog log = PartitionLog.open(dir, TP, config, clock, recoveryPoint, 0, clean);
        opened.add(log);
        return log;
    }

    private PartitionLog writeLive(int batches) throws IOException {
        PartitionLog live = open(root.resolve("live"), CONFIG, 0, true);
        writeLive(live, batches);
        firstSegmentBytes = dataBytes;
        return live;
    }

    private void writeLive(PartitionLog live, int batches) {
        for (int i = 0; i < batches; i++) {
            long n = live.logEndOffset();
            UnsafeBuffer bytes = batch(10_000 + n, 40, "v" + n, "w" + n);
            TestBatches.append(live, bytes, 1);
            dataBytes += bytes.capacity();
            lastBatchBytes = bytes.capacity();
        }
    }

    private static Path logFile(Path dir) {
        return LogFileNames.logFile(dir, 0);
    }

    /** The segment's mapping holds no more than its data (and the pages mapped around it). */
    private void assertOnlyTheDataIsResident(Path dir) throws IOException {
        assumeTrue(MappedResidency.available(), "needs /proc/self/smaps");
        long log = MappedResidency.residentBytes(logFile(dir));
        long index = MappedResidency.residentBytes(LogFileNames.offsetIndexFile(dir, 0));
        long timeIndex = MappedResidency.residentBytes(LogFileNames.timeIndexFile(dir, 0));
        assertTrue(log <= dataBytes + AROUND_BYTES, "resident bytes of the .log: " + log + " for " + dataBytes + " of data");
        assertTrue(index <= AROUND_BYTES, "resident bytes of the .index: " + index);
        assertTrue(timeIndex <= AROUND_BYTES, "resident bytes of the .timeindex: " + timeIndex);
    }

    @Test
    void cleanCloseTrimsTheActiveSegmentAndBothIndexesToTheirData() throws IOException {
        PartitionLog live = writeLive(20);
        live.flush();
        live.close();

        assertEquals(dataBytes, Files.size(logFile(live.dir())));
        long indexBytes = Files.size(LogFileNames.offsetIndexFile(live.dir(), 0));
        long timeIndexBytes = Files.size(LogFileNames.timeIndexFile(live.dir(), 0));
        assertEquals(19 * OffsetIndex.ENTRY_SIZE, indexBytes, "an entry per batch but the first");
        assertEquals(19 * TimeIndex.ENTRY_SIZE, timeIndexBytes, "the same: each batch's timestamp is new");
    }

    @Test
    void openAfterACleanShutdownReadsOnlyTheData() throws IOException {
        PartitionLog live = writeLive(20);
        live.flush();
        live.close();

        PartitionLog log = open(live.dir(), CONFIG, live.recoveryPoint(), true);

        assertEquals(40, log.logEndOffset());
        assertEquals(0, log.recoveryReport().recoveredSegments());
        assertEquals(lastBatchBytes, log.recoveryReport().bytesScanned(), "the batch the last index entry names");
        assertOnlyTheDataIsResident(log.dir());
    }

    @Test
    void uncleanOpenOfAPreallocatedSegmentWalksOnlyTheData() throws IOException {
        PartitionLog live = writeLive(20);
        Path crashed = CrashFiles.sparseCrashCopy(live.dir(), root.resolve("crashed"), 1 << 20);
        assertEquals(SEGMENT_BYTES, Files.size(logFile(crashed)), "preallocated, as a crash leaves it");

        PartitionLog log = open(crashed, CONFIG, 0, false);

        assertEquals(1, log.recoveryReport().recoveredSegments());
        assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
        assertEquals(dataBytes + RecordBatchFlyweight.HEADER_SIZE + lastBatchBytes, log.recoveryReport().bytesScanned(),
            "every batch validated, the zero header after them, and the last batch again once the file was cut");
        assertEquals(readAll(live, 0), readAll(log, 0));
        assertOnlyTheDataIsResident(crashed);
    }

    @Test
    void untrimmedSegmentBelowTheRecoveryPointIsCutWithoutReadingItsTail() throws IOException {
        PartitionLog live = writeLive(10);
        live.roll(); // the first segment is sealed but, as a roll leaves it, preallocated until the log closes
        writeLive(live, 10);
        live.flush(); // the recovery point vouches for the first segment: trusted, not recovered
        Path crashed = CrashFiles.sparseCrashCopy(live.dir(), root.resolve("crashed"), 1 << 20);
        assertEquals(SEGMENT_BYTES, Files.size(logFile(crashed)), "preallocated, as a crash leaves it");

        PartitionLog log = open(crashed, CONFIG, live.recoveryPoint(), false);

        assertEquals(1, log.recoveryReport().recoveredSegments(), "only the segment holding the recovery point");
        assertEquals(readAll(live, 0), readAll(log, 0));
        assertEquals(firstSegmentBytes, Files.size(logFile(crashed)), "cut to its data at once, and mapped read-only");
        assertEquals(9 * OffsetIndex.ENTRY_SIZE, Files.size(LogFileNames.offsetIndexFile(crashed, 0)));
        assertEquals(9 * TimeIndex.ENTRY_SIZE, Files.size(LogFileNames.timeIndexFile(crashed, 0)));
        dataBytes = firstSegmentBytes;
        assertOnlyTheDataIsResident(crashed);
    }

    @Test
    void sealedSegmentIndexIsNotReadWhollyAtOpen() throws IOException {
        assumeTrue(MappedResidency.available(), "needs /proc/self/smaps");
        LogConfig everyBatch = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 16 << 20, LogConfig.INDEX_INTERVAL_BYTES, 0));
        PartitionLog live = open(root.resolve("sealed"), everyBatch, 0, true);
        UnsafeBuffer small = batch(10_000, "v");
        while (live.numberOfSegments() < 2) {
            TestBatches.append(live, small, 1);
        }
        live.flush();
        live.close();
        Path index = LogFileNames.offsetIndexFile(live.dir(), 0);
        long indexBytes = Files.size(index);
        assertTrue(indexBytes > (1 << 20), "an index entry per batch: " + indexBytes + " bytes");

        PartitionLog log = open(live.dir(), everyBatch, live.recoveryPoint(), true);

        assertEquals(live.logEndOffset(), log.logEndOffset());
        long resident = MappedResidency.residentBytes(index);
        assertTrue(resident < indexBytes / 4, "resident bytes of the sealed index: " + resident + " of " + indexBytes);
    }

    @Test
    void deletedSegmentIsUnmappedWhenItsLastReaderLetsGo() throws IOException {
        assumeTrue(MappedResidency.available(), "needs /proc/self/maps");
        PartitionLog log = open(root.resolve("retained"), LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 1024)), 0, true);
        for (int i = 0; i < 20; i++) {
            TestBatches.append(log, batch(i, 50, "v" + i), 1);
        }
        Path first = logFile(log.dir());
        Path deleted = LogFileNames.deletedFile(first);
        LogSlice reading = log.read(0, 1);
        long secondBase = log.segmentBaseOffsets().get(1);

        log.advanceLogStartOffset(secondBase);

        assertTrue(Files.exists(deleted), "renamed at once");
        assertTrue(MappedResidency.isMapped(deleted), "still mapped for its reader");
        reading.close();
        assertFalse(Files.exists(deleted), "deleted with its last reader");
        assertFalse(MappedResidency.isMapped(deleted), "and unmapped");
    }
}
