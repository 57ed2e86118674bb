package io.varve.storage.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code partition.metadata}: the id of the topic a partition directory belongs to, as Kafka keeps it,
 * so that a log left behind by a topic that was deleted and created again under the same name while
 * this broker was down is never mistaken for the new topic's log.
 *
 * <pre>
 * version: 0
 * topic_id: 3f7c9a52-2a44-4c0e-9d8e-0b6f1e6c2a11
 * </pre>
 *
 * <p>(Kafka writes the id in base64; Varve writes the UUID's usual form, which is what its tools print.)
 * Stateless; written atomically and durably.
 */
public final class PartitionMetadataFile {

    public static final String FILE_NAME = "partition.metadata";
    static final int VERSION = 0;

    private PartitionMetadataFile() {
    }

    /** The topic id stored in {@code partitionDir}, or empty when the directory has no such file (written before it existed). */
    public static Optional<UUID> read(Path partitionDir) throws IOException {
        Path file = partitionDir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() != 2 || !lines.get(0).equals("version: " + VERSION) || !lines.get(1).startsWith("topic_id: ")) {
            throw new CorruptCheckpointException(file, 1, "expected 'version: 0' and 'topic_id: <uuid>', got " + lines);
        }
        try {
            return Optional.of(UUID.fromString(lines.get(1).substring("topic_id: ".length()).trim()));
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(file, 2, "not a topic id: " + lines.get(1));
        }
    }

    /** Stores {@code topicId} in {@code partitionDir}, atomically and durably. */
    public static void write(Path partitionDir, UUID topicId) throws IOException {
        AtomicFiles.write(partitionDir.resolve(FILE_NAME), out -> {
            out.write("version: " + VERSION + "\n");
            out.write("topic_id: " + topicId + "\n");
        });
    }
}
