package io.varve.storage.checkpoint;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The identity of one log directory, kept in its {@value #FILE_NAME} as in Kafka:
 *
 * <pre>
 *   version=1
 *   directory.id=&lt;22 characters: 16 bytes in base64url without padding, like a Kafka Uuid&gt;
 *   node.id=&lt;int &ge; 0&gt;          (optional)
 *   cluster.id=&lt;[A-Za-z0-9_-]+&gt;  (optional)
 * </pre>
 *
 * The directory id tells directories apart (a disk moved between brokers, two mounts of one disk);
 * node and cluster ids stop a broker from opening another one's data.
 *
 * <p>{@link #write(Path)} is atomic and durable; {@link #read(Path)} is strict about the keys it
 * knows and ignores others, so newer versions may add keys. Immutable and thread-safe; the static
 * methods are safe to call concurrently for different directories.
 */
public final class LogDirMetadata {

    public static final String FILE_NAME = "meta.properties";
    public static final int VERSION = 1;

    static final String VERSION_KEY = "version";
    static final String DIRECTORY_ID_KEY = "directory.id";
    static final String NODE_ID_KEY = "node.id";
    static final String CLUSTER_ID_KEY = "cluster.id";

    /** A meta.properties is a few lines; anything much larger is not one (checked before reading). */
    static final long MAX_FILE_BYTES = 64 * 1024;

    private static final Pattern DIRECTORY_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private final String directoryId;
    private final OptionalInt nodeId;
    private final Optional<String> clusterId;

    /**
     * @throws IllegalArgumentException when an id is malformed (see the class comment)
     */
    public LogDirMetadata(String directoryId, OptionalInt nodeId, Optional<String> clusterId) {
        this.directoryId = Objects.requireNonNull(directoryId, "directoryId");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        String problem = problemWith(directoryId, nodeId, clusterId);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** New metadata for a fresh directory, with a directory id drawn from the node's {@code random}. */
    public static LogDirMetadata create(Random random, OptionalInt nodeId, Optional<String> clusterId) {
        return new LogDirMetadata(randomDirectoryId(random), nodeId, clusterId);
    }

    /** 16 random bytes, base64url without padding; never all zero bits (Kafka reserves small ids). */
    public static String randomDirectoryId(Random random) {
        byte[] bytes = new byte[16];
        do {
            random.nextBytes(bytes);
        } while (ByteBuffer.wrap(bytes).getLong() == 0);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String directoryId() {
        return directoryId;
    }

    public OptionalInt nodeId() {
        return nodeId;
    }

    public Optional<String> clusterId() {
        return clusterId;
    }

    /** Writes {@code <logDir>/meta.properties}, atomically and durably. */
    public void write(Path logDir) throws IOException {
        AtomicFiles.write(logDir.resolve(FILE_NAME), out -> {
            out.write("#Varve log directory metadata; do not edit\n");
            out.write(VERSION_KEY + "=" + VERSION + "\n");
            out.write(DIRECTORY_ID_KEY + "=" + directoryId + "\n");
            if (nodeId.isPresent()) {
                out.write(NODE_ID_KEY + "=" + nodeId.getAsInt() + "\n");
            }
            if (clusterId.isPresent()) {
                out.write(CLUSTER_ID_KEY + "=" + clusterId.get() + "\n");
            }
        });
    }

    /**
     * Reads {@code <logDir>/meta.properties}; empty when the file does not exist.
     *
     * @throws CorruptCheckpointException when the file is too large, not a properties file, of another
     *                                    version, or has a missing or malformed id
     */
    public static Optional<LogDirMetadata> read(Path logDir) throws IOException {
        Path file = logDir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw corrupt(file, size + " bytes, more than a metadata file can be");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try {
            props.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(file, CorruptCheckpointException.NO_LINE, "not a properties file: " + e.getMessage(), e);
        }
        return Optional.of(fromProperties(file, props));
    }

    private static LogDirMetadata fromProperties(Path file, Properties props) throws CorruptCheckpointException {
        String version = props.getProperty(VERSION_KEY);
        if (version == null) {
            throw corrupt(file, "no " + VERSION_KEY);
        }
        if (!version.equals(Integer.toString(VERSION))) {
            throw corrupt(file, VERSION_KEY + " is '" + version + "', expected " + VERSION);
        }
        String directoryId = props.getProperty(DIRECTORY_ID_KEY);
        if (directoryId == null) {
            throw corrupt(file, "no " + DIRECTORY_ID_KEY);
        }
        OptionalInt nodeId = OptionalInt.empty();
        String node = props.getProperty(NODE_ID_KEY);
        if (node != null) {
            try {
                nodeId = OptionalInt.of(Integer.parseInt(node));
            } catch (NumberFormatException e) {
                throw corrupt(file, NODE_ID_KEY + " is not a number: '" + CheckpointFile.abbreviate(node) + "'");
            }
        }
        Optional<String> clusterId = Optional.ofNullable(props.getProperty(CLUSTER_ID_KEY));
        String problem = problemWith(directoryId, nodeId, clusterId);
        if (problem != null) {
            throw corrupt(file, problem);
        }
        return new LogDirMetadata(directoryId, nodeId, clusterId);
    }

    /** What is wrong with these values, or null when they are valid. */
    private static String problemWith(String directoryId, OptionalInt nodeId, Optional<String> clusterId) {
        if (!DIRECTORY_ID.matcher(directoryId).matches() || decodesToZeroPrefix(directoryId)) {
            return DIRECTORY_ID_KEY + " '" + CheckpointFile.abbreviate(directoryId)
                + "' is not 22 characters of base64url encoding a non-reserved id";
        }
        if (nodeId.isPresent() && nodeId.getAsInt() < 0) {
            return NODE_ID_KEY + " must not be negative: " + nodeId.getAsInt();
        }
        if (clusterId.isPresent() && !CLUSTER_ID.matcher(clusterId.get()).matches()) {
            return CLUSTER_ID_KEY + " '" + CheckpointFile.abbreviate(clusterId.get()) + "' is not 1-255 characters of [A-Za-z0-9_-]";
        }
        return null;
    }

    private static boolean decodesToZeroPrefix(String directoryId) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(directoryId);
            return bytes.length != 16 || ByteBuffer.wrap(bytes).getLong() == 0;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private static CorruptCheckpointException corrupt(Path file, String reason) {
        return new CorruptCheckpointException(file, CorruptCheckpointException.NO_LINE, reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogDirMetadata other && directoryId.equals(other.directoryId)
            && nodeId.equals(other.nodeId) && clusterId.equals(other.clusterId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directoryId, nodeId, clusterId);
    }

    @Override
    public String toString() {
        return "LogDirMetadata{version=" + VERSION + ", directoryId=" + directoryId + ", nodeId=" + nodeId
            + ", clusterId=" + clusterId + '}';
    }
}
