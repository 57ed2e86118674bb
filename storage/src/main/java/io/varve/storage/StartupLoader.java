package io.varve.storage;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens every partition directory of a broker's log directories at startup, for the
 * {@link LogManager}: finds the {@code <topic>-<partition>} directories, refuses a partition found
 * in two log directories, removes leftovers (a directory whose deletion was interrupted, or one that
 * holds no segment), and opens the rest as {@link PartitionLog}s — recovering them after an unclean
 * shutdown — with at most {@code perDirLimit} of one directory in flight (see {@link BoundedWorkers}).
 * Logs a progress line per tenth of each directory and a summary of what recovery repaired.
 *
 * <p>Used once, by the thread that opens the manager; the logs it opens go into the manager's
 * concurrent map from the executor's threads.
 */
final class StartupLoader {

    private static final Logger LOG = LoggerFactory.getLogger(StartupLoader.class);

    /** Most partitions named one by one in the startup summary of repaired logs. */
    private static final int MAX_REPORTED_PARTITIONS = 10;
    /** Progress lines per directory (one per tenth, and the last). */
    private static final int PROGRESS_STEPS = 10;

    private final List<LogDir> dirs;
    private final Clock clock;
    private final Function<String, LogConfig> topicConfigs;
    private final Map<TopicPartition, PartitionLog> logs;

    StartupLoader(List<LogDir> dirs, Clock clock, Function<String, LogConfig> topicConfigs,
                  Map<TopicPartition, PartitionLog> logs) {
        this.dirs = dirs;
        this.clock = clock;
        this.topicConfigs = topicConfigs;
        this.logs = logs;
    }

    /**
     * Opens every partition into the map given at construction. A directory where a partition failed with
     * a storage error (an {@link IOException}, or a fault in a mapped access: the device refused a page, as
     * a full disk does) is given up, as Kafka takes such a directory offline: its logs are closed and left
     * out of the map, and it is returned, with the failure, for the caller to mark offline. Loading needs no
     * new space unless a segment must be recovered (its indexes are rebuilt), so a full disk after a clean
     * shutdown loads; after a crash it may not, and then only that directory is lost until space is freed.
     *
     * @return the directories given up, each with its first failure (the others suppressed into it)
     * @throws LogLoadException the first partition that failed otherwise (a bug, a refused invariant), the
     *                          others suppressed into it; the logs opened so far stay in the map for the
     *                          caller to close
     */
    Map<LogDir, LogLoadException> load(Executor executor, int perDirLimit) throws IOException {
        long startMs = clock.monotonicMs();
        List<List<LogDir.PartitionDir>> groups = findPartitionDirs();
        Map<LogDir, Progress> progress = new HashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            progress.put(dirs.get(i), new Progress(groups.get(i).size()));
        }
        List<BoundedWorkers.Failure<LogDir.PartitionDir>> failures = BoundedWorkers.run(executor, groups, perDirLimit,
            false, partition -> loadLog(partition, progress.get(partition.logDir())));
        if (failures.stream().anyMatch(f -> !isStorageFailure(f.cause()))) {
            throw loadFailure(failures);
        }
        Map<LogDir, LogLoadException> failedDirs = new LinkedHashMap<>();
        for (BoundedWorkers.Failure<LogDir.PartitionDir> failure : failures) {
            LogDir.PartitionDir partition = failure.item();
            LogLoadException e = new LogLoadException(partition.topicPartition(), partition.path(), failure.cause());
            LogLoadException first = failedDirs.putIfAbsent(partition.logDir(), e);
            if (first != null) {
                first.addSuppressed(e);
            }
        }
        for (Map.Entry<LogDir, LogLoadException> failed : failedDirs.entrySet()) {
            Path path = failed.getKey().path();
            logs.values().removeIf(log -> {
                if (log.dir().getParent().equals(path)) {
                    log.markOffline();
                    log.close();
                    return true;
                }
                return false;
            });
            LOG.error("{}: a partition could not be loaded for a storage error; the log directory stays offline until "
                + "the next start", path, failed.getValue());
        }
        logRecoverySummary(clock.monotonicMs() - startMs);
        return failedDirs;
    }

    /** An I/O error, or the fault of a mapped access the device refused (reported by the JVM as an {@link InternalError}). */
    private static boolean isStorageFailure(Throwable cause) {
        return cause instanceof IOException || cause instanceof java.io.UncheckedIOException
            || cause instanceof InternalError;
    }

    private List<List<LogDir.PartitionDir>> findPartitionDirs() throws IOException {
        List<List<LogDir.PartitionDir>> groups = new ArrayList<>();
        Map<TopicPartition, Path> seen = new HashMap<>();
        for (LogDir dir : dirs) {
            List<LogDir.PartitionDir> found = dir.partitionDirs();
            for (LogDir.PartitionDir partition : found) {
                Path other = seen.putIfAbsent(partition.topicPartition(), partition.path());
                if (other != null) {
                    throw new IOException("partition " + partition.topicPartition() + " is in two log directories: "
                        + other + " and " + partition.path());
                }
            }
            LOG.info("loading {} partitions in {} ({} shutdown)", found.size(), dir.path(),
                dir.hadCleanShutdown() ? "after a clean" : "recovering from an unclean");
            groups.add(found);
        }
        return groups;
    }

    private void loadLog(LogDir.PartitionDir partition, Progress progress) throws IOException {
        Path path = partition.path();
        boolean deleting = Files.exists(path.resolve(LogManager.DELETING_MARKER));
        if (deleting || !holdsSegments(path)) {
            LOG.info("{}: removing {}, a partition directory {}", partition.logDir(), path.getFileName(),
                deleting ? "whose deletion was interrupted" : "without segments");
            deleteRecursively(path);
        } else {
            LogDir dir = partition.logDir();
            TopicPartition tp = partition.topicPartition();
            PartitionLog log = PartitionLog.open(path, tp, topicConfigs.apply(tp.topic()), clock,
                dir.recoveryPoint(tp), dir.logStartOffset(tp), dir.hadCleanShutdown());
            logs.put(tp, log);
        }
        int done = progress.loaded.incrementAndGet();
        if (done == progress.total || done % progress.step == 0) {
            LOG.info("loaded {}/{} partitions in {}", done, progress.total, partition.logDir());
        }
    }

    private static boolean holdsSegments(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".log"));
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    private static LogLoadException loadFailure(List<BoundedWorkers.Failure<LogDir.PartitionDir>> failures) {
        LogLoadException first = null;
        for (BoundedWorkers.Failure<LogDir.PartitionDir> failure : failures) {
            LogDir.PartitionDir partition = failure.item();
            LogLoadException e = new LogLoadException(partition.topicPartition(), partition.path(), failure.cause());
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        return first;
    }

    private void logRecoverySummary(long elapsedMs) {
        int recoveredSegments = 0;
        int recoveredLogs = 0;
        int damagedCount = 0;
        long bytesScanned = 0;
        List<String> damaged = new ArrayList<>();
        for (PartitionLog log : logs.values()) {
            RecoveryReport report = log.recoveryReport();
            recoveredSegments += report.recoveredSegments();
            bytesScanned += report.bytesScanned();
            recoveredLogs += report.recoveredSegments() > 0 ? 1 : 0;
            if (!report.isClean()) {
                damagedCount++;
                if (damaged.size() < MAX_REPORTED_PARTITIONS) {
                    damaged.add(log.topicPartition() + " " + report);
                }
            }
        }
        LOG.info("loaded {} partitions from {} log directories in {} ms; recovered {} segments in {} partitions;"
            + " walked {} bytes of segments", logs.size(), dirs.size(), elapsedMs, recoveredSegments, recoveredLogs,
            bytesScanned);
        if (damagedCount > 0) {
            LOG.warn("{} partitions were repaired at startup (torn or corrupt data removed){}: {}", damagedCount,
                damagedCount > damaged.size() ? ", the first " + damaged.size() : "", damaged);
        }
    }

    /** Startup counters of one log directory. */
    private static final class Progress {
        final int total;
        final int step;
        final AtomicInteger loaded = new AtomicInteger();

        Progress(int total) {
            this.total = total;
            this.step = Math.max(1, total / PROGRESS_STEPS);
        }
    }
}
