package io.varve.storage;

import io.varve.common.TopicPartition;
import java.nio.file.Path;

/**
 * Told when a {@link PartitionLog} meets a storage error: the hook through which the broker takes a log
 * directory offline (Kafka's {@code LogDirFailureChannel}). Called on the thread that met the error, often
 * under the log's lock (and under its caller's locks), so it must be short, must not block and must not call
 * back into the log: record the directory and let another thread act. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface StorageErrorListener {

    /** Listens to nothing. */
    StorageErrorListener NONE = (topicPartition, logDir, kind, cause) -> { };

    /** What went wrong. */
    enum Kind {
        /**
         * The file system refused space before anything was written ({@link AppendResult.AppendError#STORAGE_FULL}):
         * the log is intact.
         */
        FULL,
        /**
         * A write, flush, roll or index update failed part way: the log is in the failed state
         * ({@link AppendResult.AppendError#STORAGE_FAILED}) and its files are in an unknown state until recovered.
         */
        FAILED
    }

    /**
     * @param topicPartition the log that met the error
     * @param logDir         the log directory that holds it (the partition directory's parent)
     * @param kind           what went wrong
     * @param cause          the error
     */
    void onStorageError(TopicPartition topicPartition, Path logDir, Kind kind, Exception cause);
}
