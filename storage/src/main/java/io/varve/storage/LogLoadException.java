package io.varve.storage;

import io.varve.common.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A partition log could not be opened at startup: names the partition, its directory and why (the
 * cause). Other partitions that failed at the same time are attached as suppressed exceptions.
 * Immutable.
 */
public final class LogLoadException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient TopicPartition topicPartition;
    private final transient Path partitionDir;

    public LogLoadException(TopicPartition topicPartition, Path partitionDir, Throwable cause) {
        super("could not load partition " + topicPartition + " from " + partitionDir + ": " + cause, cause);
        this.topicPartition = topicPartition;
        this.partitionDir = partitionDir;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path partitionDir() {
        return partitionDir;
    }
}
