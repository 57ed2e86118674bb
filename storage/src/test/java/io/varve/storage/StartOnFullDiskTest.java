package io.varve.storage;

import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.SmallTmpfs;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.checkpoint.CleanShutdownMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 6: a log directory whose file system is full when the node starts. Loading needs no new
 * space after a clean shutdown, so the logs load and serve reads (appends are refused, as full); a log that
 * must be recovered (its indexes rebuilt) cannot be on a full disk, and then its directory opens offline
 * instead of failing the start, losing nothing: once space is back, the next start loads every record. On a
 * real 4 MiB tmpfs (mounting needs root, as in CI); without the per-directory failure the second case fails
 * the whole start with "a fault occurred in a recent unsafe memory access operation".
 */
class StartOnFullDiskTest {

    private static final TopicPartition TP = new TopicPartition("full", 0);
    private static final int BATCHES = 600;

    @TempDir
    Path dir;
    private SmallTmpfs tmpfs;
    private final ManualClock clock = new ManualClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<LogManager> managers = new ArrayList<>();
    private final List<StorageErrorListener.Kind> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void mount() throws Exception {
        tmpfs = SmallTmpfs.mount(dir, 4 << 20);
        Assumptions.assumeTrue(tmpfs != null, "needs root to mount a 4 MiB tmpfs for the log directory");
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            closeAll();
            pool.shutdownNow();
        } finally {
            if (tmpfs != null) {
                tmpfs.close();
            }
        }
    }

    private void closeAll() {
        for (LogManager m : managers) {
            try {
                m.close();
            } catch (Exception e) {
                // a full disk may refuse the checkpoints: judged by the test, not here
            }
        }
        managers.clear();
    }

    private Path data() {
        return tmpfs.path().resolve("data");
    }

    private LogManager open() throws Exception {
        StorageConfig config = StorageConfig.from(Map.of(StorageConfig.LOG_DIRS, data().toString(),
            LogConfig.SEGMENT_BYTES, 256 << 10, LogConfig.INDEX_SIZE_MAX_BYTES, 64 << 10));
        LogManager m = LogManager.open(config, clock, pool);
        m.storageErrorListener((tp, logDir, kind, cause) -> errors.add(kind));
        managers.add(m);
        return m;
    }

    /** Writes {@value #BATCHES} batches of about 1 KiB (three segments) and stops cleanly. */
    private List<String> writeAndStop() throws Exception {
        LogManager m = open();
        PartitionLog log = m.getOrCreateLog(TP);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < BATCHES; i++) {
            assertTrue(append(log, batch(clock.wallClockMs(), 1000, "v" + i)).isOk());
            values.add("v" + i);
        }
        closeAll();
        return values;
    }

    private static AppendResult append(PartitionLog log, UnsafeBuffer b) {
        return log.append(b, 0, b.capacity(), 0);
    }

    @Test
    void afterACleanStopTheLogsLoadOnAFullDiskAndServeReads() throws Exception {
        List<String> written = writeAndStop();
        tmpfs.fillUp();

        LogManager m = open();

        assertEquals(Set.of(), m.offlineLogDirs(), "nothing needed space: the directory is online");
        PartitionLog log = m.getLog(TP).orElseThrow();
        assertEquals(written, readAll(log, 0), "every record reads back");
        assertEquals(AppendError.STORAGE_FULL, append(log, batch(clock.wallClockMs(), 1000, "more")).error());
        assertEquals(List.of(StorageErrorListener.Kind.FULL), errors, "the refusal reaches the listener, once");
        assertEquals(BATCHES, log.logEndOffset(), "nothing of the refused batch was written");
    }

    @Test
    void aLogThatMustBeRecoveredOnAFullDiskTakesItsDirectoryOfflineAndLosesNothing() throws Exception {
        List<String> written = writeAndStop();
        // As after a crash that lost the indexes: the next start must rebuild them, which needs space.
        Files.delete(data().resolve(CleanShutdownMarker.FILE_NAME));
        try (Stream<Path> files = Files.list(data().resolve(TP.directoryName()))) {
            for (Path f : files.toList()) {
                if (f.toString().endsWith(".index")) {
                    Files.delete(f);
                }
            }
        }
        Path filler = tmpfs.fillUp();

        LogManager offline = open();

        assertEquals(Set.of(data()), offline.offlineLogDirs(), "the directory is offline; the start went on");
        assertTrue(offline.allLogs().isEmpty());
        closeAll();

        tmpfs.free(filler);
        LogManager again = open();
        assertEquals(Set.of(), again.offlineLogDirs(), "with space back, the next start loads it");
        assertEquals(written, readAll(again.getLog(TP).orElseThrow(), 0), "and nothing was lost");
    }

    @Test
    void aLogDirectoryTakenOfflineRefusesWritesAndGetsNoNewLog() throws Exception {
        writeAndStop();
        LogManager m = open();
        PartitionLog log = m.getLog(TP).orElseThrow();

        assertTrue(m.markLogDirOffline(data()));

        assertEquals(false, m.markLogDirOffline(data()), "once");
        assertEquals(AppendError.STORAGE_FAILED, append(log, batch(clock.wallClockMs(), 10, "x")).error());
        assertEquals(BATCHES, log.logEndOffset());
        assertEquals(BATCHES, readAll(log, 0).size(), "reads still work");
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
            () -> m.getOrCreateLog(new TopicPartition("new", 0))).getMessage().contains("offline"));
        closeAll();
        assertTrue(!Files.exists(data().resolve(CleanShutdownMarker.FILE_NAME)),
            "no clean-shutdown marker: the next start recovers it");
        LogManager again = open();
        assertEquals(BATCHES, again.getLog(TP).orElseThrow().logEndOffset(), "and it loads whole");
    }
}
