package io.varve.raft.log;

import io.varve.raft.core.SnapshotMeta;
import io.varve.raft.metadata.CorruptMetadataException;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Raft snapshots of the metadata log on disk (Low-Water Mark): one file per snapshot in the metadata
 * directory, named {@code <lastIndex 20 digits>-<lastTerm 10 digits>.checkpoint}, the newest
 * {@link #KEEP} kept. Each is written whole as a {@code .tmp} file, fsynced, renamed into place and
 * the directory fsynced, so a crash leaves a complete snapshot or none.
 *
 * <pre>
 *  0       4         6          10          18          22          26
 *  +-------+---------+----------+-----------+-----------+-----------+----------------+
 *  | magic | version | crc32c   | lastIndex | lastTerm  | length    | payload ...    |
 *  | int32 | int16 0 | int32    | int64     | int32     | int32     | length bytes   |
 *  +-------+---------+----------+-----------+-----------+-----------+----------------+
 *  crc32c covers every byte after itself (lastIndex .. end of payload)
 *
 *  payload (what the leader sends in a Raft SnapshotRequest):
 *  +--------------------------+-----------------------------------------+
 *  | endOffset int64          | {@link MetadataSnapshot} bytes of the image |
 *  +--------------------------+-----------------------------------------+
 * </pre>
 *
 * {@code endOffset} is the metadata offset the log continues at after the snapshot (the base offset
 * of entry {@code lastIndex + 1}); the image is the state after applying every record below it. A
 * snapshot file whose length or CRC does not check stops the node (the log below it is gone: it
 * cannot be rebuilt by guessing).
 *
 * <p>Not thread-safe: the Raft driver's thread owns it.
 */
public final class MetadataSnapshotFiles {

    public static final String SUFFIX = ".checkpoint";
    /** Snapshots kept on disk; older ones are deleted after a new one is durable. */
    public static final int KEEP = 2;
    private static final int MAGIC = 0x56534E50; // "VSNP"
    private static final short VERSION = 0;
    static final int HEADER_BYTES = 26;
    private static final int CRC_FROM = 10;
    /** The largest snapshot read back; a larger length field is corruption, not a reason to allocate. */
    public static final int MAX_SNAPSHOT_BYTES = 256 << 20;

    /** A snapshot read from disk (or received): its Raft position and its payload. */
    public record Snapshot(SnapshotMeta meta, byte[] payload) {

        /** The metadata offset the log continues at after this snapshot. */
        public long endOffset() {
            return payloadEndOffset(payload);
        }

        /** The image the payload holds. */
        public MetadataImage image() {
            return payloadImage(payload);
        }
    }

    private final Path dir;

    public MetadataSnapshotFiles(Path dir) {
        this.dir = dir;
    }

    /** The payload of a snapshot of {@code image}, after which the log continues at {@code endOffset}. */
    public static byte[] payload(long endOffset, MetadataImage image) {
        byte[] imageBytes = MetadataSnapshot.write(image);
        return ByteBuffer.allocate(8 + imageBytes.length).putLong(endOffset).put(imageBytes).array();
    }

    /** The log offset a payload says the log continues at. */
    public static long payloadEndOffset(byte[] payload) {
        if (payload.length < 8) {
            throw new CorruptMetadataException("a metadata snapshot payload of " + payload.length + " bytes");
        }
        long endOffset = ByteBuffer.wrap(payload).getLong();
        if (endOffset < 0) {
            throw new CorruptMetadataException("a metadata snapshot ending at offset " + endOffset);
        }
        return endOffset;
    }

    /** The image a payload holds. */
    public static MetadataImage payloadImage(byte[] payload) {
        payloadEndOffset(payload);
        byte[] imageBytes = new byte[payload.length - 8];
        System.arraycopy(payload, 8, imageBytes, 0, imageBytes.length);
        return MetadataSnapshot.read(imageBytes);
    }

    static String fileName(SnapshotMeta meta) {
        return String.format("%020d-%010d%s", meta.lastIndex(), meta.lastTerm(), SUFFIX);
    }

    /** The snapshot files, oldest first. */
    public List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : stream) {
                if (p.getFileName().toString().matches("\\d{20}-\\d{10}\\" + SUFFIX)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** The newest snapshot, or null when there is none. */
    public Snapshot latest() throws IOException {
        List<Path> files = files();
        return files.isEmpty() ? null : read(files.get(files.size() - 1));
    }

    /** Reads and checks one snapshot file. */
    public static Snapshot read(Path file) throws IOException {
        long size = Files.size(file);
        if (size < HEADER_BYTES || size > HEADER_BYTES + (long) MAX_SNAPSHOT_BYTES) {
            throw new CorruptMetadataException(file + " is " + size + " bytes: not a metadata snapshot");
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = buf.getInt();
        short version = buf.getShort();
        int crc = buf.getInt();
        long lastIndex = buf.getLong();
        int lastTerm = buf.getInt();
        int length = buf.getInt();
        if (magic != MAGIC || version != VERSION || length < 0 || length != buf.remaining()) {
            throw new CorruptMetadataException(file + " is not a version-0 metadata snapshot of " + length + " bytes");
        }
        if (crc != crc(buf.array(), CRC_FROM, buf.capacity() - CRC_FROM)) {
            throw new CorruptMetadataException(file + " fails its CRC");
        }
        byte[] payload = new byte[length];
        buf.get(payload);
        SnapshotMeta meta = new SnapshotMeta(lastIndex, lastTerm);
        if (!file.getFileName().toString().equals(fileName(meta))) {
            throw new CorruptMetadataException(file + " holds the snapshot " + meta);
        }
        payloadEndOffset(payload);
        return new Snapshot(meta, payload);
    }

    /**
     * Writes a snapshot durably (temp file, fsync, rename, directory fsync), then deletes all but the
     * newest {@link #KEEP}.
     */
    public Path write(SnapshotMeta meta, byte[] payload) throws IOException {
        if (payload.length > MAX_SNAPSHOT_BYTES) {
            throw new IOException("a metadata snapshot of " + payload.length + " bytes is over " + MAX_SNAPSHOT_BYTES);
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        buf.putInt(MAGIC).putShort(VERSION).putInt(0).putLong(meta.lastIndex()).putInt(meta.lastTerm())
            .putInt(payload.length).put(payload);
        buf.putInt(6, crc(buf.array(), CRC_FROM, buf.capacity() - CRC_FROM));
        buf.flip();
        Path file = dir.resolve(fileName(meta));
        Path temp = dir.resolve(fileName(meta) + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + file + " into place atomically", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        List<Path> files = files();
        for (int i = 0; i < files.size() - KEEP; i++) {
            Files.deleteIfExists(files.get(i));
        }
        return file;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
