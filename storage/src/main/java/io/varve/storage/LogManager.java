package io.varve.storage;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.storage.checkpoint.LogDirMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every partition log of a broker, over all its log directories ({@code log.dirs}).
 *
 * <p><b>Startup</b> ({@link #open}): each directory is created if missing, locked against a second
 * broker process ({@code .lock}), given a {@code meta.properties} if it has none; its clean-shutdown
 * marker is read and then deleted (so a crash from then on is recovered from), its
 * {@code recovery-point-offset-checkpoint} and {@code log-start-offset-checkpoint} read. Then every
 * {@code <topic>-<partition>} directory is opened as a {@link PartitionLog} — recovered from its
 * recovery point after an unclean shutdown — through the owner's {@link Executor}, with at most
 * {@link StorageConfig#recoveryThreadsPerDataDir()} partitions of one directory in flight at once.
 * A partition that cannot be opened fails the whole startup with a {@link LogLoadException} naming
 * it; the logs already opened are closed and the directories unlocked.
 *
 * <p><b>Periodic work</b> is not scheduled here (storage starts no threads, DESIGN §2): the owner's
 * scheduler calls {@link #runRetention()}, {@link #flushDirtyLogs()} and
 * {@link #checkpointRecoveryPointsAndLogStartOffsets()} at the intervals of {@link StorageConfig};
 * the logs read the time from the injected {@link Clock}.
 *
 * <p><b>Clean shutdown</b> ({@link #close()}): flush every log, write both checkpoints, close every
 * log (which trims the preallocated files), and only then write each directory's clean-shutdown
 * marker; a directory where anything failed gets no marker, so the next start recovers it.
 *
 * <p><b>Thread-safety</b>: safe for concurrent use. Logs live in a concurrent map, so
 * {@link #getLog}, {@link #allLogs} and the fast path of {@link #getOrCreateLog} take no lock.
 * Creation, deletion, checkpoint writes and close are serialized by one lock, so that a checkpoint
 * never names a partition that was just deleted. The periodic methods may run concurrently with each
 * other and with creation and deletion; {@link #close()} waits for those in progress, and once
 * closed they do nothing. A caller that still holds a deleted or closed
 * {@link PartitionLog} gets {@link AppendResult.AppendError#STORAGE_FAILED} from its appends.
 */
public final class LogManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    /** Written into a partition directory before its deletion starts; startup finishes the job. */
    static final String DELETING_MARKER = ".varve-deleting";
    /** Most partitions named one by one in the startup summary of unclean recoveries. */
    private static final int MAX_REPORTED_PARTITIONS = 10;
    /** Progress lines per directory at startup (one per tenth, and the last). */
    private static final int PROGRESS_STEPS = 10;

    private final StorageConfig config;
    private final Clock clock;
    private final Executor executor;
    private final Function<String, LogConfig> topicConfigs;
    private final List<LogDir> dirs;
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final ReentrantLock adminLock = new ReentrantLock();
    /** Periodic work holds it shared, {@link #close()} exclusively: no retention or flush on a closing log. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private LogManager(StorageConfig config, Clock clock, Executor executor, Function<String, LogConfig> topicConfigs,
                       List<LogDir> dirs) {
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        this.topicConfigs = topicConfigs;
        this.dirs = List.copyOf(dirs);
    }

    /**
     * Opens every log of {@code config.logDirs()} with the default {@link StorageConfig#logConfig()},
     * drawing ids of new directories from a {@link SecureRandom}. See {@link #open(StorageConfig,
     * Clock, Executor, Function, Random)}.
     */
    public static LogManager open(StorageConfig config, Clock clock, Executor executor) throws IOException {
        return open(config, clock, executor, topic -> config.logConfig(), new SecureRandom());
    }

    /**
     * Locks and opens every log directory and every partition in them (see the class comment).
     *
     * @param executor     runs the opening (and at close, the flushing) of partitions; owned by the
     *                     caller, who also shuts it down. It must not be busy waiting on this call.
     *                     A refused task runs on the calling thread.
     * @param topicConfigs the configuration of each topic's logs (the defaults or per-topic overrides)
     * @param random       draws the directory id of a directory that has no {@code meta.properties}
     * @throws LogLoadException when a partition cannot be opened
     * @throws IOException      when a directory is locked by another process, unreadable, or two
     *                          directories are the same
     */
    public static LogManager open(StorageConfig config, Clock clock, Executor executor,
                                  Function<String, LogConfig> topicConfigs, Random random) throws IOException {
        Objects.requireNonNull(executor, "executor");
        List<LogDir> dirs = new ArrayList<>();
        try {
            for (Path path : distinctPaths(config.logDirs())) {
                dirs.add(LogDir.open(path, random));
            }
            checkDistinctDirectoryIds(dirs);
            LogManager manager = new LogManager(config, clock, executor, topicConfigs, dirs);
            manager.loadLogs();
            return manager;
        } catch (IOException | RuntimeException e) {
            dirs.forEach(LogDir::unlock);
            throw e;
        }
    }

    private static List<Path> distinctPaths(List<Path> configured) throws IOException {
        Set<Path> seen = new LinkedHashSet<>();
        for (Path path : configured) {
            if (!seen.add(path.toAbsolutePath().normalize())) {
                throw new IOException("log directory " + path + " appears twice in " + StorageConfig.LOG_DIRS);
            }
        }
        return List.copyOf(seen);
    }

    /** Two paths with one directory id are one disk mounted twice, or a copy: either would corrupt data. */
    private static void checkDistinctDirectoryIds(List<LogDir> dirs) throws IOException {
        Map<String, Path> byId = new HashMap<>();
        for (LogDir dir : dirs) {
            Path other = byId.putIfAbsent(dir.metadata().directoryId(), dir.path());
            if (other != null) {
                throw new IOException("log directories " + other + " and " + dir.path() + " have the same "
                    + "directory id " + dir.metadata().directoryId() + " in " + LogDirMetadata.FILE_NAME);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Startup
    // ---------------------------------------------------------------------------------------------

    private void loadLogs() throws IOException {
        long startMs = clock.monotonicMs();
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
        Map<LogDir, Progress> progress = new HashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            progress.put(dirs.get(i), new Progress(groups.get(i).size()));
        }
        List<BoundedWorkers.Failure<LogDir.PartitionDir>> failures = runAll(groups, true,
            partition -> loadLog(partition, progress.get(partition.logDir())));
        if (!failures.isEmpty()) {
            closeLogsAfterFailedStart();
            throw loadFailure(failures);
        }
        logRecoverySummary(clock.monotonicMs() - startMs);
    }

    private void loadLog(LogDir.PartitionDir partition, Progress progress) throws IOException {
        Path path = partition.path();
        if (Files.exists(path.resolve(DELETING_MARKER)) || !holdsSegments(path)) {
            LOG.info("{}: removing {}, a partition directory {}", partition.logDir(), path.getFileName(),
                Files.exists(path.resolve(DELETING_MARKER)) ? "whose deletion was interrupted" : "without segments");
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

    private LogLoadException loadFailure(List<BoundedWorkers.Failure<LogDir.PartitionDir>> failures) {
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

    private void closeLogsAfterFailedStart() {
        logs.values().forEach(PartitionLog::close);
        logs.clear();
        closed = true;
    }

    private void logRecoverySummary(long elapsedMs) {
        int recoveredSegments = 0;
        int recoveredLogs = 0;
        List<String> damaged = new ArrayList<>();
        int damagedCount = 0;
        for (PartitionLog log : logs.values()) {
            RecoveryReport report = log.recoveryReport();
            recoveredSegments += report.recoveredSegments();
            recoveredLogs += report.recoveredSegments() > 0 ? 1 : 0;
            if (!report.isClean()) {
                damagedCount++;
                if (damaged.size() < MAX_REPORTED_PARTITIONS) {
                    damaged.add(log.topicPartition() + " " + report);
                }
            }
        }
        LOG.info("loaded {} partitions from {} log directories in {} ms; recovered {} segments in {} partitions",
            logs.size(), dirs.size(), elapsedMs, recoveredSegments, recoveredLogs);
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

    // ---------------------------------------------------------------------------------------------
    // Logs
    // ---------------------------------------------------------------------------------------------

    /** The log of {@code tp}, if this broker has one. */
    public Optional<PartitionLog> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** A snapshot of every log. */
    public Collection<PartitionLog> allLogs() {
        return List.copyOf(logs.values());
    }

    /** The log directories, in the order they were opened. */
    public List<Path> logDirs() {
        return dirs.stream().map(LogDir::path).toList();
    }

    /** The {@code meta.properties} of each log directory. */
    public Map<Path, LogDirMetadata> logDirMetadata() {
        Map<Path, LogDirMetadata> metadata = new LinkedHashMap<>();
        dirs.forEach(dir -> metadata.put(dir.path(), dir.metadata()));
        return metadata;
    }

    /** {@link #getOrCreateLog(TopicPartition, LogConfig)} with the topic's configuration given at open. */
    public PartitionLog getOrCreateLog(TopicPartition tp) throws IOException {
        return getOrCreateLog(tp, topicConfigs.apply(tp.topic()));
    }

    /**
     * The log of {@code tp}; when there is none, creates it with {@code logConfig} (a topic's
     * overrides of the defaults) in the log directory that holds the fewest partitions. An existing
     * log keeps the configuration it has.
     *
     * @throws IllegalArgumentException when the topic name is not a valid Kafka topic name
     * @throws IllegalStateException    when the manager is closed
     */
    public PartitionLog getOrCreateLog(TopicPartition tp, LogConfig logConfig) throws IOException {
        PartitionLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        if (!TopicPartition.isValidTopicName(tp.topic())) {
            throw new IllegalArgumentException("invalid topic name '" + tp.topic()
                + "': 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'");
        }
        Objects.requireNonNull(logConfig, "logConfig");
        adminLock.lock();
        try {
            ensureOpen();
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            LogDir dir = leastLoadedDir();
            PartitionLog log = PartitionLog.open(dir.path().resolve(tp.directoryName()), tp, logConfig, clock);
            logs.put(tp, log);
            LOG.info("created log {} in {}", tp, dir.path());
            return log;
        } finally {
            adminLock.unlock();
        }
    }

    private LogDir leastLoadedDir() {
        Map<Path, Integer> counts = new HashMap<>();
        for (PartitionLog log : logs.values()) {
            counts.merge(log.dir().getParent(), 1, Integer::sum);
        }
        return dirs.stream().min(Comparator.comparingInt(dir -> counts.getOrDefault(dir.path(), 0))).orElseThrow();
    }

    /**
     * Deletes the log of {@code tp}: its segments (once their last readers are done), its files, its
     * directory and its entries in the checkpoints. A crash part-way is finished at the next start.
     *
     * @return whether there was such a log
     * @throws IllegalStateException when the manager is closed
     */
    public boolean deleteLog(TopicPartition tp) throws IOException {
        adminLock.lock();
        try {
            ensureOpen();
            PartitionLog log = logs.remove(tp);
            if (log == null) {
                return false;
            }
            Path partitionDir = log.dir();
            markDeleting(partitionDir);
            log.delete(); // removes the marker too, after every segment is renamed away
            try {
                Files.deleteIfExists(partitionDir);
            } catch (DirectoryNotEmptyException e) {
                LOG.debug("{}: readers still hold deleted segments; the directory goes at the next start", tp);
            }
            dirOf(log).writeCheckpoints(logsIn(dirOf(log)));
            LOG.info("deleted log {} from {}", tp, partitionDir.getParent());
            return true;
        } finally {
            adminLock.unlock();
        }
    }

    private static void markDeleting(Path partitionDir) throws IOException {
        try (FileChannel marker = FileChannel.open(partitionDir.resolve(DELETING_MARKER),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            marker.force(true);
        }
        try (FileChannel dir = FileChannel.open(partitionDir, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Periodic work, called by the owner's scheduler
    // ---------------------------------------------------------------------------------------------

    /**
     * Applies retention to every log ({@link PartitionLog#deleteRetainedSegments()}); call every
     * {@link StorageConfig#retentionCheckIntervalMs()}.
     *
     * @return the number of segments deleted
     */
    public int runRetention() {
        lifecycle.readLock().lock();
        try {
            int deleted = 0;
            for (PartitionLog log : logs.values()) {
                if (!closed) {
                    deleted += log.deleteRetainedSegments();
                }
            }
            return deleted;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Flushes every log whose {@code log.flush.interval.*} says so ({@link PartitionLog#maybeFlush()});
     * call every {@link StorageConfig#flushSchedulerIntervalMs()}. Logs in the failed state are
     * skipped; a log whose flush fails now enters that state (and is logged by it).
     *
     * @return the number of logs whose flush check failed
     */
    public int flushDirtyLogs() {
        lifecycle.readLock().lock();
        try {
            int failed = 0;
            for (PartitionLog log : logs.values()) {
                if (closed || log.isFailed()) {
                    continue;
                }
                try {
                    log.maybeFlush();
                } catch (UncheckedIOException e) {
                    failed++;
                }
            }
            return failed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Writes every directory's {@code recovery-point-offset-checkpoint} and
     * {@code log-start-offset-checkpoint}; call every {@link StorageConfig#flushOffsetCheckpointIntervalMs()}.
     * A no-op once closed.
     *
     * @throws IOException the first directory that failed (the others are still written, and their
     *                     failures suppressed into it)
     */
    public void checkpointRecoveryPointsAndLogStartOffsets() throws IOException {
        adminLock.lock();
        try {
            if (closed) {
                return;
            }
            IOException failure = null;
            for (LogDir dir : dirs) {
                try {
                    dir.writeCheckpoints(logsIn(dir));
                } catch (IOException | RuntimeException e) {
                    failure = chain(failure, new IOException("could not write the checkpoints of " + dir.path(), e));
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            adminLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Shutdown
    // ---------------------------------------------------------------------------------------------

    /**
     * Shuts down cleanly: flushes every log, writes both checkpoints of each directory, closes every
     * log, writes each directory's clean-shutdown marker — only where nothing failed — and releases
     * the directory locks. Every step is attempted for every directory even after a failure.
     * Idempotent.
     *
     * @throws IOException the first failure, the others suppressed into it
     */
    @Override
    public void close() throws IOException {
        lifecycle.writeLock().lock();
        adminLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Set<LogDir> unclean = new HashSet<>();
            IOException failure = forEachLog(PartitionLog::flush, "flush", unclean, null);
            for (LogDir dir : dirs) {
                try {
                    dir.writeCheckpoints(logsIn(dir));
                } catch (IOException | RuntimeException e) {
                    unclean.add(dir);
                    failure = chain(failure, new IOException("could not write the checkpoints of " + dir.path(), e));
                }
            }
            failure = forEachLog(PartitionLog::close, "close", unclean, failure);
            logs.clear();
            failure = writeMarkersAndUnlock(unclean, failure);
            if (failure != null) {
                throw failure;
            }
        } finally {
            adminLock.unlock();
            lifecycle.writeLock().unlock();
        }
    }

    private IOException writeMarkersAndUnlock(Set<LogDir> unclean, IOException failure) {
        for (LogDir dir : dirs) {
            if (unclean.contains(dir)) {
                LOG.warn("{}: not marking a clean shutdown; the next start recovers it", dir.path());
            } else {
                try {
                    dir.writeCleanShutdownMarker();
                } catch (IOException e) {
                    failure = chain(failure, new IOException("could not write the clean-shutdown marker of " + dir.path(), e));
                }
            }
            dir.unlock();
        }
        return failure;
    }

    /** Runs {@code action} on every log, a directory's logs bounded as at startup; failures mark their dir unclean. */
    private IOException forEachLog(BoundedWorkers.Action<PartitionLog> action, String what, Set<LogDir> unclean,
                                   IOException failure) {
        List<List<PartitionLog>> groups = dirs.stream().map(this::logsIn).toList();
        List<BoundedWorkers.Failure<PartitionLog>> failures;
        try {
            failures = runAll(groups, false, action);
        } catch (InterruptedIOException e) {
            dirs.forEach(unclean::add);
            return chain(failure, e);
        }
        for (BoundedWorkers.Failure<PartitionLog> f : failures) {
            unclean.add(dirOf(f.item()));
            failure = chain(failure, new IOException("could not " + what + " " + f.item().topicPartition(), f.cause()));
        }
        return failure;
    }

    private <T> List<BoundedWorkers.Failure<T>> runAll(List<? extends Collection<T>> groups, boolean stopOnFailure,
                                                       BoundedWorkers.Action<T> action) throws InterruptedIOException {
        try {
            return BoundedWorkers.run(executor, groups, config.recoveryThreadsPerDataDir(), stopOnFailure, action);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while working on partition logs");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private List<PartitionLog> logsIn(LogDir dir) {
        return logs.values().stream().filter(log -> log.dir().getParent().equals(dir.path())).toList();
    }

    private LogDir dirOf(PartitionLog log) {
        Path parent = log.dir().getParent();
        return dirs.stream().filter(dir -> dir.path().equals(parent)).findFirst()
            .orElseThrow(() -> new IllegalStateException(log + " is in no log directory of this manager"));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the log manager is closed");
        }
    }

    private static IOException chain(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
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

    @Override
    public String toString() {
        return "LogManager{dirs=" + logDirs() + ", logs=" + logs.size() + (closed ? ", closed" : "") + '}';
    }
}
