package io.varve.storage;

import static io.varve.storage.TestBatches.append;
import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.storage.checkpoint.CleanShutdownMarker;
import io.varve.storage.checkpoint.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {

    /**
     * Small segments and indexes, so that logs roll often and copies are cheap. The index size is a
     * multiple of the page (the mapping rounds files up to it) and of both entry sizes (8 and 12):
     * an untrimmed index of another length reads as corrupt, and its segment is recovered.
     */
    private static final int INDEX_BYTES = 12_288;
    private static final Map<String, Object> SMALL = Map.of(
        LogConfig.SEGMENT_BYTES, 1024,
        LogConfig.INDEX_SIZE_MAX_BYTES, INDEX_BYTES,
        StorageConfig.RECOVERY_THREADS_PER_DATA_DIR, 2);

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<LogManager> managers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (LogManager manager : managers) {
            try {
                manager.close();
            } catch (IOException | RuntimeException e) {
                // the test already judged this manager
            }
        }
        pool.shutdownNow();
    }

    private static StorageConfig config(Map<String, Object> overrides, Path... dirs) {
        Map<String, Object> props = new HashMap<>(SMALL);
        props.putAll(overrides);
        props.put(StorageConfig.LOG_DIRS, Stream.of(dirs).map(Path::toString).collect(Collectors.joining(",")));
        return StorageConfig.from(props);
    }

    private LogManager open(Executor executor, Path... dirs) throws IOException {
        LogManager manager = LogManager.open(config(Map.of(), dirs), clock, executor);
        managers.add(manager);
        return manager;
    }

    private LogManager open(Path... dirs) throws IOException {
        return open(pool, dirs);
    }

    /** Appends {@code count} one-record batches stamped with the clock's time, and returns their values. */
    private List<String> appendValues(PartitionLog log, String prefix, int count) {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            append(log, batch(clock.wallClockMs(), 40, prefix + i), 1);
            written.add(prefix + i);
        }
        return written;
    }

    /** What a crash leaves: the files as they are now, with the logs still open and nothing flushed. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    @Test
    void newLogsAreSpreadOverTheDirectoriesWithTheFewestPartitions() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);

        Map<Path, Integer> perDir = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("orders", p));
            perDir.merge(log.dir().getParent(), 1, Integer::sum);
        }

        assertEquals(Map.of(a.toAbsolutePath().normalize(), 3, b.toAbsolutePath().normalize(), 3), perDir);
        assertEquals(6, manager.allLogs().size());
        assertSame(manager.getLog(new TopicPartition("orders", 4)).orElseThrow(),
            manager.getOrCreateLog(new TopicPartition("orders", 4)));
        assertTrue(Files.isRegularFile(a.resolve("meta.properties")));
        assertTrue(Files.isRegularFile(b.resolve("meta.properties")));
    }

    @Test
    void reopenAfterCleanCloseKeepsEveryRecordAndRecoversNothing() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);
        Map<TopicPartition, List<String>> written = new HashMap<>();
        for (int p = 0; p < 4; p++) {
            TopicPartition tp = new TopicPartition("events", p);
            written.put(tp, appendValues(manager.getOrCreateLog(tp), "p" + p + "-", 30));
        }
        manager.close();
        manager.close(); // idempotent
        assertTrue(CleanShutdownMarker.exists(a) && CleanShutdownMarker.exists(b), "clean marker written last");

        LogManager reopened = open(a, b);

        assertFalse(CleanShutdownMarker.exists(a), "a crash from now on must be recovered from");
        for (Map.Entry<TopicPartition, List<String>> e : written.entrySet()) {
            PartitionLog log = reopened.getLog(e.getKey()).orElseThrow();
            assertEquals(e.getValue(), readAll(log, 0));
            assertTrue(log.numberOfSegments() > 1);
            assertEquals(0, log.recoveryReport().recoveredSegments(), "clean shutdown: no recovery");
        }
    }

    @Test
    void afterACrashEverySegmentPastTheRecoveryPointIsRecoveredAndTheDataIsIntact() throws IOException {
        Path live = root.resolve("live");
        LogManager manager = open(live);
        TopicPartition tp = new TopicPartition("crash", 0);
        PartitionLog log = manager.getOrCreateLog(tp);
        List<String> written = appendValues(log, "v", 30);
        int segments = log.numberOfSegments();

        Path copy = root.resolve("copy");
        copyTree(live, copy); // the manager is never closed: an unclean shutdown
        LogManager recovered = open(copy);

        PartitionLog after = recovered.getLog(tp).orElseThrow();
        assertEquals(written, readAll(after, 0));
        assertEquals(segments, after.recoveryReport().recoveredSegments(), "no checkpoint: recover everything");
        assertTrue(after.recoveryReport().isClean(), "the tail was zeros, nothing torn");
    }

    @Test
    void theRecoveryPointCheckpointSparesTheSegmentsBeforeIt() throws IOException {
        Path live = root.resolve("live");
        LogManager manager = open(live);
        TopicPartition tp = new TopicPartition("checkpointed", 2);
        PartitionLog log = manager.getOrCreateLog(tp);
        List<String> written = new ArrayList<>(appendValues(log, "old", 30));
        log.flush();
        manager.checkpointRecoveryPointsAndLogStartOffsets();
        log.roll();
        written.addAll(appendValues(log, "new", 3));
        assertEquals(Map.of(tp, 30L), OffsetCheckpointFile.recoveryPoints(live).read());

        Path copy = root.resolve("copy");
        copyTree(live, copy);
        PartitionLog after = open(copy).getLog(tp).orElseThrow();

        assertTrue(after.numberOfSegments() > 3);
        assertEquals(1, after.recoveryReport().recoveredSegments(), "only the segment holding offset 30 on");
        assertEquals(written, readAll(after, 0));
    }

    @Test
    void aDeletedLogIsGoneAfterReopenAndFromTheCheckpoints() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        TopicPartition doomed = new TopicPartition("doomed", 0);
        TopicPartition kept = new TopicPartition("kept", 0);
        appendValues(manager.getOrCreateLog(doomed), "d", 5);
        appendValues(manager.getOrCreateLog(kept), "k", 5);
        manager.checkpointRecoveryPointsAndLogStartOffsets();

        assertTrue(manager.deleteLog(doomed));
        assertFalse(manager.deleteLog(doomed));

        assertFalse(Files.exists(a.resolve(doomed.directoryName())));
        assertEquals(Set.of(kept), OffsetCheckpointFile.logStartOffsets(a).read().keySet());
        manager.close();
        LogManager reopened = open(a);
        assertTrue(reopened.getLog(doomed).isEmpty());
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), readAll(reopened.getLog(kept).orElseThrow(), 0));
    }

    @Test
    void startupFinishesInterruptedDeletionsAndSkipsWhatIsNotAPartition() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        appendValues(manager.getOrCreateLog(new TopicPartition("half-deleted", 0)), "x", 5);
        manager.close();
        Files.createFile(a.resolve("half-deleted-0").resolve(LogManager.DELETING_MARKER));
        Files.createDirectories(a.resolve("empty-1"));
        Files.createDirectories(a.resolve("lost+found"));

        LogManager reopened = open(a);

        assertTrue(reopened.allLogs().isEmpty());
        assertFalse(Files.exists(a.resolve("half-deleted-0")));
        assertFalse(Files.exists(a.resolve("empty-1")), "a partition directory without segments is a leftover");
        assertTrue(Files.isDirectory(a.resolve("lost+found")), "not ours: left alone");
    }

    @Test
    void aSecondManagerCannotOpenADirectoryTheFirstHolds() throws IOException {
        Path a = root.resolve("a");
        LogManager first = open(a);

        IOException e = assertThrows(IOException.class, () -> open(root.resolve("b"), a));
        assertTrue(e.getMessage().contains("in use by another broker"), e.getMessage());
        assertTrue(e.getMessage().contains(a.toString()), e.getMessage());

        first.close();
        open(root.resolve("b"), a).close(); // the failed attempt released b; first's close released a
    }

    @Test
    void invalidTopicNamesAreRefused() throws IOException {
        LogManager manager = open(root.resolve("a"));
        for (String topic : List.of("has space", "..", "slash/y", "x".repeat(250))) {
            assertThrows(IllegalArgumentException.class, () -> manager.getOrCreateLog(new TopicPartition(topic, 0)), topic);
        }
        assertTrue(manager.allLogs().isEmpty());
    }

    @Test
    void aPartitionThatCannotBeLoadedForAnIoErrorTakesOnlyItsDirectoryOffline() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);
        for (int p = 0; p < 6; p++) {
            appendValues(manager.getOrCreateLog(new TopicPartition("fine", p)), "v", 3);
        }
        manager.close();
        managers.clear();
        long inA;
        try (Stream<Path> listed = Files.list(a)) {
            inA = listed.filter(d -> d.getFileName().toString().startsWith("fine-")).count();
        }
        Path broken = a.resolve("broken-7");
        Files.createDirectories(broken.resolve("00000000000000000000.log")); // a directory where a segment should be

        LogManager offline = open(a, b);

        assertEquals(java.util.Set.of(a), offline.offlineLogDirs(), "as Kafka: the directory goes offline, the node starts");
        assertEquals(6 - inA, offline.allLogs().size(), "the other directory's logs load");
        assertTrue(offline.allLogs().stream().allMatch(log -> log.dir().getParent().equals(b)));
        PartitionLog created = offline.getOrCreateLog(new TopicPartition("new", 0));
        assertEquals(b, created.dir().getParent(), "no log is created in an offline directory");
        offline.close();
        managers.clear();
        assertTrue(Files.exists(a.resolve("fine-0")) || Files.exists(b.resolve("fine-0")), "nothing was deleted");
        Files.delete(broken.resolve("00000000000000000000.log"));
        LogManager again = open(a, b);
        assertEquals(java.util.Set.of(), again.offlineLogDirs(), "online again after a start that loads it");
        assertEquals(7, again.allLogs().size(), "the failed start released its lock and left the data alone");
    }

    @Test
    void aBugWhileLoadingStillFailsStartupNamingThePartition() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        appendValues(manager.getOrCreateLog(new TopicPartition("fine", 0)), "v", 3);
        manager.close();
        managers.clear();
        java.util.function.Function<String, LogConfig> refusing = topic -> {
            throw new IllegalStateException("no config for " + topic);
        };

        LogLoadException e = assertThrows(LogLoadException.class,
            () -> LogManager.open(config(Map.of(), a), clock, pool, refusing, new java.util.Random(1)));

        assertEquals(new TopicPartition("fine", 0), e.topicPartition());
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        assertEquals(1, open(a).allLogs().size(), "the failed start released its lock");
    }

    @Test
    void retentionAndFlushDelegateToEveryLog() throws IOException {
        LogManager manager = open(root.resolve("a"));
        LogConfig retained = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 1024, LogConfig.INDEX_SIZE_MAX_BYTES, INDEX_BYTES,
            LogConfig.RETENTION_BYTES, 2048L, LogConfig.FLUSH_INTERVAL_MS, 100L));
        PartitionLog small = manager.getOrCreateLog(new TopicPartition("small", 0), retained);
        PartitionLog unbounded = manager.getOrCreateLog(new TopicPartition("unbounded", 0));
        appendValues(small, "s", 40);
        appendValues(unbounded, "u", 40);
        int before = small.numberOfSegments();
        int unboundedSegments = unbounded.numberOfSegments();

        int deleted = manager.runRetention();

        assertTrue(deleted > 0);
        assertEquals(before - deleted, small.numberOfSegments());
        assertTrue(small.logStartOffset() > 0);
        assertEquals(unboundedSegments, unbounded.numberOfSegments(), "default retention keeps a week");

        assertEquals(0, manager.flushDirtyLogs());
        assertEquals(0, small.recoveryPoint());
        clock.advanceMs(100);
        assertEquals(0, manager.flushDirtyLogs());
        assertEquals(40, small.recoveryPoint(), "log.flush.interval.ms passed");
        assertEquals(0, unbounded.recoveryPoint(), "never flushed by default");
    }

    @Test
    void manyPartitionsOpenWithAtMostTheConfiguredRecoveryThreadsPerDirectory() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);
        for (int p = 0; p < 200; p++) {
            append(manager.getOrCreateLog(new TopicPartition("many", p)), batch(clock.wallClockMs(), "v" + p), 0);
        }
        manager.close();
        ExecutorService wide = Executors.newFixedThreadPool(16);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger submitted = new AtomicInteger();
        Executor counting = task -> {
            submitted.incrementAndGet();
            wide.execute(() -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                }
            });
        };
        try {
            LogManager reopened = open(counting, a, b);
            assertEquals(200, reopened.allLogs().size());
            assertEquals(1, reopened.getLog(new TopicPartition("many", 199)).orElseThrow().logEndOffset());
            assertEquals(4, submitted.get(), "2 recovery threads per directory, 2 directories");
            assertTrue(maxRunning.get() <= 4, "in flight: " + maxRunning.get());
            reopened.close();
        } finally {
            wide.shutdownNow();
        }
    }

    @Test
    void perTopicConfigsGivenAtOpenApplyToLoadedAndCreatedLogs() throws IOException {
        Path a = root.resolve("a");
        LogConfig compactish = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, 2048, LogConfig.INDEX_SIZE_MAX_BYTES, INDEX_BYTES));
        StorageConfig config = config(Map.of(), a);
        Function<String, LogConfig> topics = topic -> topic.equals("special") ? compactish : config.logConfig();
        LogManager manager = LogManager.open(config, clock, pool, topics, new Random(1));
        managers.add(manager);
        assertEquals(2048, manager.getOrCreateLog(new TopicPartition("special", 0)).config().segmentBytes());
        assertEquals(1024, manager.getOrCreateLog(new TopicPartition("plain", 0)).config().segmentBytes());
        manager.close();

        LogManager reopened = LogManager.open(config, clock, pool, topics, new Random(1));
        managers.add(reopened);
        assertEquals(2048, reopened.getLog(new TopicPartition("special", 0)).orElseThrow().config().segmentBytes());
    }

    @Test
    void aClosedManagerRefusesNewLogsAndIgnoresPeriodicWork() throws IOException {
        LogManager manager = open(Runnable::run, root.resolve("a"));
        appendValues(manager.getOrCreateLog(new TopicPartition("t", 0)), "v", 3);
        manager.close();

        assertThrows(IllegalStateException.class, () -> manager.getOrCreateLog(new TopicPartition("t", 1)));
        assertEquals(0, manager.runRetention());
        assertEquals(0, manager.flushDirtyLogs());
        manager.checkpointRecoveryPointsAndLogStartOffsets();
        assertTrue(manager.allLogs().isEmpty());
    }
}
