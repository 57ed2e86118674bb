package io.varve.storage;

import io.varve.common.TopicPartition;
import io.varve.storage.checkpoint.CleanShutdownMarker;
import io.varve.storage.checkpoint.CorruptCheckpointException;
import io.varve.storage.checkpoint.LogDirMetadata;
import io.varve.storage.checkpoint.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log directory as the {@link LogManager} holds it while running: locked against a second
 * broker process ({@value #LOCK_FILE_NAME}), identified by its {@code meta.properties}, with what
 * startup read from it (whether the last shutdown was clean, the checkpointed recovery points and
 * log start offsets) and the checkpoint files it writes back.
 *
 * <p>{@link #open} deletes the clean-shutdown marker after reading it, before any log is opened, so
 * that a crash from then on is recovered from. Not thread-safe: the manager serializes the writes.
 */
final class LogDir {

    private static final Logger LOG = LoggerFactory.getLogger(LogDir.class);

    static final String LOCK_FILE_NAME = ".lock";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LogDirMetadata metadata;
    private final boolean hadCleanShutdown;
    private final OffsetCheckpointFile recoveryPointFile;
    private final OffsetCheckpointFile logStartOffsetFile;
    private final Map<TopicPartition, Long> recoveryPoints;
    private final Map<TopicPartition, Long> logStartOffsets;

    private LogDir(Path path, FileChannel lockChannel, FileLock lock, LogDirMetadata metadata, boolean hadCleanShutdown,
                   Map<TopicPartition, Long> recoveryPoints, Map<TopicPartition, Long> logStartOffsets) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.metadata = metadata;
        this.hadCleanShutdown = hadCleanShutdown;
        this.recoveryPointFile = OffsetCheckpointFile.recoveryPoints(path);
        this.logStartOffsetFile = OffsetCheckpointFile.logStartOffsets(path);
        this.recoveryPoints = recoveryPoints;
        this.logStartOffsets = logStartOffsets;
    }

    /**
     * Creates the directory if missing, locks it, reads or creates its metadata, reads and then
     * deletes the clean-shutdown marker, and reads both offset checkpoints.
     *
     * @throws IOException when the directory is locked by another process (or another manager in
     *                     this one), or cannot be prepared
     */
    static LogDir open(Path path, Random random) throws IOException {
        Files.createDirectories(path);
        Path lockFile = path.resolve(LOCK_FILE_NAME);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IOException("log directory " + path + " is in use by another broker: " + lockFile
                    + " is locked; stop the other process or fix log.dirs");
            }
            LogDirMetadata metadata = readOrCreateMetadata(path, random);
            boolean clean = CleanShutdownMarker.exists(path);
            Map<TopicPartition, Long> recoveryPoints = readCheckpoint(OffsetCheckpointFile.recoveryPoints(path));
            Map<TopicPartition, Long> logStartOffsets = readCheckpoint(OffsetCheckpointFile.logStartOffsets(path));
            CleanShutdownMarker.delete(path);
            return new LogDir(path, channel, lock, metadata, clean, recoveryPoints, logStartOffsets);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM: another manager over the same directory
        }
    }

    private static LogDirMetadata readOrCreateMetadata(Path path, Random random) throws IOException {
        Optional<LogDirMetadata> existing = LogDirMetadata.read(path);
        if (existing.isPresent()) {
            return existing.get();
        }
        LogDirMetadata created = LogDirMetadata.create(random, OptionalInt.empty(), Optional.empty());
        created.write(path);
        LOG.info("created {} in {} with directory id {}", LogDirMetadata.FILE_NAME, path, created.directoryId());
        return created;
    }

    /**
     * A corrupt checkpoint is not fatal: with no recovery point every segment is recovered, which is
     * slow but safe. It is reported, never silently used.
     */
    private static Map<TopicPartition, Long> readCheckpoint(OffsetCheckpointFile file) throws IOException {
        try {
            return file.read();
        } catch (CorruptCheckpointException e) {
            LOG.error("{} is corrupt and ignored; partitions of this directory start from their segments: {}",
                file.file(), e.getMessage());
            return Map.of();
        }
    }

    Path path() {
        return path;
    }

    LogDirMetadata metadata() {
        return metadata;
    }

    boolean hadCleanShutdown() {
        return hadCleanShutdown;
    }

    long recoveryPoint(TopicPartition tp) {
        return recoveryPoints.getOrDefault(tp, 0L);
    }

    long logStartOffset(TopicPartition tp) {
        return logStartOffsets.getOrDefault(tp, 0L);
    }

    /** The metadata log's directory name: it lives beside the partitions but is the controller's, not ours. */
    static final String METADATA_TOPIC = "__cluster_metadata";

    /**
     * Subdirectories whose names parse as {@code <topic>-<partition>} with a valid topic; others, and
     * the metadata log ({@value #METADATA_TOPIC}), are skipped.
     */
    List<PartitionDir> partitionDirs() throws IOException {
        List<PartitionDir> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(path)) {
            for (Path child : children.toList()) {
                if (!Files.isDirectory(child)) {
                    continue;
                }
                String name = child.getFileName().toString();
                try {
                    TopicPartition tp = TopicPartition.parseDirectoryName(name);
                    if (TopicPartition.isValidTopicName(tp.topic()) && !METADATA_TOPIC.equals(tp.topic())) {
                        found.add(new PartitionDir(this, tp, child));
                        continue;
                    }
                } catch (IllegalArgumentException e) {
                    // not a partition directory: fall through
                }
                LOG.debug("{}: skipping {}, not a partition directory", path, name);
            }
        }
        return found;
    }

    /** Replaces both checkpoint files with the offsets of {@code logs} (the logs of this directory). */
    void writeCheckpoints(Collection<PartitionLog> logs) throws IOException {
        Map<TopicPartition, Long> points = new HashMap<>();
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (PartitionLog log : logs) {
            points.put(log.topicPartition(), log.recoveryPoint());
            starts.put(log.topicPartition(), log.logStartOffset());
        }
        recoveryPointFile.write(points);
        logStartOffsetFile.write(starts);
    }

    void writeCleanShutdownMarker() throws IOException {
        CleanShutdownMarker.write(path);
    }

    /** Releases the lock; safe to call more than once. */
    void unlock() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("{}: could not release {}", path, LOCK_FILE_NAME, e);
        }
    }

    private static void closeQuietly(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /** A partition directory found at startup, in the log directory that holds it. */
    record PartitionDir(LogDir logDir, TopicPartition topicPartition, Path path) {
    }
}
