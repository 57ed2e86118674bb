package io.varve.storage.checkpoint;

import io.varve.common.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One offset per partition, for a whole log directory: the recovery points
 * ({@value #RECOVERY_POINT_FILE_NAME}) and the log start offsets ({@value #LOG_START_OFFSET_FILE_NAME}).
 * A {@link CheckpointFile} of version {@value #VERSION} whose entries are
 *
 * <pre>
 *   &lt;topic&gt; &lt;partition&gt; &lt;offset&gt;      e.g. "orders-eu 3 1200"
 * </pre>
 *
 * Topic names are valid Kafka topic names (no spaces), partitions and offsets are not negative, and
 * a partition appears at most once; entries are written sorted by topic, then partition.
 *
 * <p>Thread-safe: reads and writes on one instance are serialized (see {@link CheckpointFile}).
 */
public final class OffsetCheckpointFile {

    /** Per log dir: offset below which every partition's log is known flushed. */
    public static final String RECOVERY_POINT_FILE_NAME = "recovery-point-offset-checkpoint";
    /** Per log dir: each partition's log start offset (the low-water mark). */
    public static final String LOG_START_OFFSET_FILE_NAME = "log-start-offset-checkpoint";
    /** The format version Kafka writes for these files. */
    public static final int VERSION = 0;

    private record Entry(TopicPartition partition, long offset) {
    }

    private static final CheckpointFile.Formatter<Entry> FORMATTER = new CheckpointFile.Formatter<>() {
        @Override
        public String toLine(Entry entry) {
            return entry.partition().topic() + ' ' + entry.partition().partition() + ' ' + entry.offset();
        }

        @Override
        public Entry fromLine(String line) {
            String[] fields = Fields.split(line, 3);
            if (!TopicPartition.isValidTopicName(fields[0])) {
                throw new IllegalArgumentException("invalid topic name");
            }
            return new Entry(new TopicPartition(fields[0], Fields.nonNegativeInt(fields[1], "partition")),
                Fields.nonNegativeLong(fields[2], "offset"));
        }
    };

    private final CheckpointFile<Entry> checkpoint;

    public OffsetCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file, VERSION, FORMATTER);
    }

    /** The {@value #RECOVERY_POINT_FILE_NAME} file of {@code logDir}. */
    public static OffsetCheckpointFile recoveryPoints(Path logDir) {
        return new OffsetCheckpointFile(logDir.resolve(RECOVERY_POINT_FILE_NAME));
    }

    /** The {@value #LOG_START_OFFSET_FILE_NAME} file of {@code logDir}. */
    public static OffsetCheckpointFile logStartOffsets(Path logDir) {
        return new OffsetCheckpointFile(logDir.resolve(LOG_START_OFFSET_FILE_NAME));
    }

    public Path file() {
        return checkpoint.file();
    }

    /**
     * Replaces the file with {@code offsets}, atomically and durably.
     *
     * @throws IllegalArgumentException when a topic name is not valid or an offset is negative
     */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        List<Entry> entries = new ArrayList<>(offsets.size());
        for (Map.Entry<TopicPartition, Long> e : new TreeMap<>(offsets).entrySet()) {
            TopicPartition tp = e.getKey();
            long offset = Objects.requireNonNull(e.getValue(), "offset");
            if (!TopicPartition.isValidTopicName(tp.topic())) {
                throw new IllegalArgumentException("invalid topic name: '" + tp.topic() + "'");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("negative offset " + offset + " for " + tp);
            }
            entries.add(new Entry(tp, offset));
        }
        checkpoint.write(entries);
    }

    /**
     * Reads the offsets; a missing file reads as an empty map.
     *
     * @throws CorruptCheckpointException when the file is malformed or names a partition twice
     */
    public Map<TopicPartition, Long> read() throws IOException {
        List<Entry> entries = checkpoint.read();
        Map<TopicPartition, Long> offsets = new TreeMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (offsets.putIfAbsent(entry.partition(), entry.offset()) != null) {
                throw new CorruptCheckpointException(file(), i + 3, "partition " + entry.partition() + " appears twice");
            }
        }
        return Collections.unmodifiableMap(offsets);
    }

    @Override
    public String toString() {
        return "OffsetCheckpointFile{" + file() + '}';
    }
}
