package io.varve.storage;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.storage.checkpoint.AtomicFiles;
import io.varve.storage.checkpoint.LogDirMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
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
    /** The end of the name of a log directory set aside ({@link #markStray}); never opened again. */
    public static final String STRAY_SUFFIX = "-stray";

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
    private volatile FlushListener flushListener = FlushListener.NONE;
    private volatile StorageErrorListener storageErrorListener = StorageErrorListener.NONE;
    /** Log directories taken offline ({@link #markLogDirOffline}); never online again in this process. */
    private final Set<Path> offlineDirs = ConcurrentHashMap.newKeySet();

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
     * @throws LogLoadException when a partition cannot be opened for a reason other than a storage error (a
     *                          directory where one failed with an I/O error or a refused mapped page, a full
     *                          disk among them, opens offline instead: see {@link #offlineLogDirs})
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
            try {
                Map<LogDir, LogLoadException> failed = new StartupLoader(dirs, clock, topicConfigs, manager.logs)
                    .load(executor, config.recoveryThreadsPerDataDir());
                failed.keySet().forEach(dir -> manager.offlineDirs.add(dir.path()));
            } catch (IOException | RuntimeException e) {
                manager.logs.values().forEach(PartitionLog::close);
                manager.logs.clear();
                manager.closed = true;
                throw e;
            }
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
            log.flushListener(flushListener);
            log.storageErrorListener(storageErrorListener);
            logs.put(tp, log);
            LOG.info("created log {} in {}", tp, dir.path());
            return log;
        } finally {
            adminLock.unlock();
        }
    }

    /** Sets who is told of every flush of every log, those open now and those created later. */
    public void flushListener(FlushListener listener) {
        Objects.requireNonNull(listener, "listener");
        adminLock.lock();
        try {
            this.flushListener = listener;
            logs.values().forEach(log -> log.flushListener(listener));
        } finally {
            adminLock.unlock();
        }
    }

    /** Sets who is told of every storage error of every log, those open now and those created later. */
    public void storageErrorListener(StorageErrorListener listener) {
        Objects.requireNonNull(listener, "listener");
        adminLock.lock();
        try {
            this.storageErrorListener = listener;
            logs.values().forEach(log -> log.storageErrorListener(listener));
        } finally {
            adminLock.unlock();
        }
    }

    /**
     * Takes the log directory {@code dir} offline until this process ends, as Kafka does after an I/O error
     * in it: every log in it accepts no more writes ({@link PartitionLog#markOffline}), no new log is created
     * in it, and the periodic flush, retention and checkpoints and the clean shutdown leave it alone (it gets
     * no clean-shutdown marker, so the next start recovers it). Takes no lock: a {@link StorageErrorListener}
     * may call it.
     *
     * @return whether the directory was online until now
     * @throws IllegalArgumentException when {@code dir} is not one of this manager's log directories
     */
    public boolean markLogDirOffline(Path dir) {
        if (dirs.stream().noneMatch(d -> d.path().equals(dir))) {
            throw new IllegalArgumentException(dir + " is not a log directory of " + this);
        }
        if (!offlineDirs.add(dir)) {
            return false;
        }
        for (PartitionLog log : logs.values()) {
            if (log.dir().getParent().equals(dir)) {
                log.markOffline();
            }
        }
        LOG.error("Log directory {} is offline: its logs take no more writes until the broker restarts", dir);
        return true;
    }

    /** The log directories taken offline, in no particular order. */
    public Set<Path> offlineLogDirs() {
        return Set.copyOf(offlineDirs);
    }

    /** Whether the log directory holding {@code log} is offline. */
    public boolean isOffline(PartitionLog log) {
        return !offlineDirs.isEmpty() && offlineDirs.contains(log.dir().getParent());
    }

    private LogDir leastLoadedDir() throws IOException {
        Map<Path, Integer> counts = new HashMap<>();
        for (PartitionLog log : logs.values()) {
            counts.merge(log.dir().getParent(), 1, Integer::sum);
        }
        return dirs.stream().filter(dir -> !offlineDirs.contains(dir.path()))
            .min(Comparator.comparingInt(dir -> counts.getOrDefault(dir.path(), 0)))
            .orElseThrow(() -> new IOException("every log directory is offline: " + offlineDirs));
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
            try {
                markDeleting(partitionDir);
            } catch (IOException e) {
                // A full disk may refuse even the empty marker; deleting is how space comes back, so go on.
                // A crash before the end leaves a partial directory, which the next start sets aside.
                LOG.warn("{}: deleting without the crash marker: {}", tp, e.toString());
            }
            log.delete(); // removes the marker too, after every segment is renamed away
            try {
                Files.deleteIfExists(partitionDir);
            } catch (DirectoryNotEmptyException e) {
                LOG.debug("{}: readers still hold deleted segments; the directory goes at the next start", tp);
            }
            try {
                dirOf(log).writeCheckpoints(logsIn(dirOf(log)));
            } catch (IOException e) {
                // The deletion stands; the checkpoint is written again at the next periodic checkpoint.
                LOG.warn("{}: deleted, but the checkpoints were not rewritten: {}", tp, e.toString());
            }
            LOG.info("deleted log {} from {}", tp, partitionDir.getParent());
            return true;
        } finally {
            adminLock.unlock();
        }
    }

    /**
     * Sets the log of {@code tp} aside instead of deleting it, as Kafka does with a log that committed
     * metadata does not name (a stray): flushes and closes it, and renames its directory to
     * {@code <topic>-<partition>.<random hex>}{@value #STRAY_SUFFIX}, which no later start opens as a
     * partition. Nothing is deleted; the operator removes the directory once sure it is not needed.
     *
     * @return the directory's new path, or empty when there was no such log
     * @throws IllegalStateException when the manager is closed
     */
    public Optional<Path> markStray(TopicPartition tp) throws IOException {
        adminLock.lock();
        try {
            ensureOpen();
            PartitionLog log = logs.get(tp);
            if (log == null) {
                return Optional.empty();
            }
            LogDir dir = dirOf(log);
            logs.remove(tp);
            log.flush();
            log.close();
            String suffix = "." + UUID.randomUUID().toString().replace("-", "") + STRAY_SUFFIX;
            Path target = log.dir().resolveSibling(tp.directoryName() + suffix);
            Files.move(log.dir(), target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(dir.path());
            dir.writeCheckpoints(logsIn(dir));
            LOG.warn("{}: set the log aside as {}: committed metadata names no replica of it here", tp, target);
            return Optional.of(target);
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
                if (!closed && !isOffline(log)) {
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
                if (offlineDirs.contains(dir.path())) {
                    continue;
                }
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
            dirs.stream().filter(dir -> offlineDirs.contains(dir.path())).forEach(unclean::add);
            IOException failure = forEachLog(log -> {
                if (!isOffline(log)) {
                    log.flush();
                }
            }, "flush", unclean, null);
            for (LogDir dir : dirs) {
                if (offlineDirs.contains(dir.path())) {
                    continue; // nothing more is written there
                }
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
        return BoundedWorkers.run(executor, groups, config.recoveryThreadsPerDataDir(), stopOnFailure, action);
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

    @Override
    public String toString() {
        return "LogManager{dirs=" + logDirs() + ", logs=" + logs.size() + (closed ? ", closed" : "") + '}';
    }
}
