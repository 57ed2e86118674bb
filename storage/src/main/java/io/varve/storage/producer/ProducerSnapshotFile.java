package io.varve.storage.producer;

import io.varve.storage.checkpoint.AtomicFiles;
import io.varve.storage.index.LogFileNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The producer-state snapshot file {@code <offset>.snapshot} (offset zero-padded to 20 digits, like
 * a segment): every producer's state after all batches below {@code offset}, so that a restart
 * replays only the batches from {@code offset} on. Big-endian, version 1:
 *
 * <pre>
 *  0      2         6                 14              18
 *  +------+---------+-----------------+---------------+----------------------------+
 *  |ver   | crc32c  | snapshot offset | producer count| producer entries ...       |
 *  |int16 | int32   | int64           | int32         |                            |
 *  +------+---------+-----------------+---------------+----------------------------+
 *           crc32c covers every byte from offset 6 to the end of the file
 *
 *  producer entry (11 + 32 * batch count bytes), in increasing producer id order:
 *  0             8       10     11
 *  +-------------+-------+------+---------------------------------+
 *  | producer id | epoch | batch| batch metadata x batch count    |
 *  | int64       | int16 | count|                                 |
 *  |             |       | int8 |                                 |
 *  +-------------+-------+------+---------------------------------+
 *
 *  batch metadata (32 bytes), oldest batch first:
 *  0           4          8              16             24              32
 *  +-----------+----------+--------------+--------------+---------------+
 *  | first seq | last seq | first offset | last offset  | max timestamp |
 *  | int32     | int32    | int64        | int64        | int64 (ms)    |
 *  +-----------+----------+--------------+--------------+---------------+
 * </pre>
 *
 * A file is valid only if everything checks: known version, CRC32C, the offset in the file equals
 * the offset in its name, the producer count matches the bytes exactly, 1 to
 * {@value ProducerState#MAX_BATCHES} batches per producer, ids increasing and non-negative. Anything
 * else is a corrupt file (including an unknown version): the caller deletes it and rebuilds the state
 * from an older snapshot or from the log. Files are written whole and atomically
 * ({@link AtomicFiles#writeBytes}). Stateless; thread-safe.
 */
final class ProducerSnapshotFile {

    static final String SUFFIX = ".snapshot";
    static final short VERSION = 1;
    static final int CRC_OFFSET = 2;
    static final int CRC_START = 6;
    static final int SNAPSHOT_OFFSET_OFFSET = 6;
    static final int PRODUCER_COUNT_OFFSET = 14;
    static final int HEADER_BYTES = 18;
    static final int ENTRY_HEADER_BYTES = 11;
    static final int BATCH_BYTES = 32;
    /** The largest file read (and written): about three million producers with five batches each. */
    static final int MAX_FILE_BYTES = 512 * 1024 * 1024;

    /** A read file: the producers, or why the file cannot be trusted ({@code problem} non-null). */
    record Read(List<ProducerState> producers, String problem) {
        boolean isValid() {
            return problem == null;
        }
    }

    private ProducerSnapshotFile() {
    }

    static Path path(Path dir, long offset) {
        return dir.resolve(LogFileNames.offsetPrefix(offset) + SUFFIX);
    }

    static boolean isSnapshotFile(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != LogFileNames.OFFSET_DIGITS + SUFFIX.length()) {
            return false;
        }
        for (int i = 0; i < LogFileNames.OFFSET_DIGITS; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The bytes a snapshot of {@code producers} takes. */
    static long sizeInBytes(Collection<ProducerState> producers) {
        long bytes = HEADER_BYTES;
        for (ProducerState producer : producers) {
            bytes += ENTRY_HEADER_BYTES + (long) BATCH_BYTES * producer.batches().size();
        }
        return bytes;
    }

    /**
     * Writes {@code producers} (in increasing id order) as the snapshot at {@code offset}, atomically
     * and durably. The caller checks {@link #sizeInBytes} against {@link #MAX_FILE_BYTES} first.
     */
    static void write(Path dir, long offset, Collection<ProducerState> producers) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) sizeInBytes(producers));
        buffer.putShort(VERSION).putInt(0).putLong(offset).putInt(producers.size());
        for (ProducerState producer : producers) {
            buffer.putLong(producer.producerId()).putShort(producer.epoch()).put((byte) producer.batches().size());
            for (BatchMetadata batch : producer.batches()) {
                buffer.putInt(batch.firstSequence()).putInt(batch.lastSequence()).putLong(batch.firstOffset())
                    .putLong(batch.lastOffset()).putLong(batch.maxTimestamp());
            }
        }
        buffer.flip();
        buffer.putInt(CRC_OFFSET, crc(buffer));
        AtomicFiles.writeBytes(path(dir, offset), buffer);
    }

    /** Reads and checks the snapshot at {@code file}; I/O errors other than a bad content propagate. */
    static Read read(Path file) throws IOException {
        long size = Files.size(file);
        if (size < HEADER_BYTES || size > MAX_FILE_BYTES) {
            return corrupt("size " + size + " outside [" + HEADER_BYTES + ", " + MAX_FILE_BYTES + "]");
        }
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buffer.getShort(0) != VERSION) {
            return corrupt("unknown version " + buffer.getShort(0));
        }
        if (buffer.getInt(CRC_OFFSET) != crc(buffer)) {
            return corrupt("CRC32C mismatch");
        }
        long offset = buffer.getLong(SNAPSHOT_OFFSET_OFFSET);
        if (offset != LogFileNames.parseBaseOffset(file)) {
            return corrupt("holds offset " + offset + " but is named " + file.getFileName());
        }
        return readEntries(buffer, buffer.getInt(PRODUCER_COUNT_OFFSET));
    }

    private static Read readEntries(ByteBuffer buffer, int count) {
        if (count < 0 || count > (buffer.limit() - HEADER_BYTES) / (ENTRY_HEADER_BYTES + BATCH_BYTES)) {
            return corrupt("producer count " + count + " does not fit in " + buffer.limit() + " bytes");
        }
        List<ProducerState> producers = new ArrayList<>(count);
        buffer.position(HEADER_BYTES);
        long previousId = -1;
        for (int i = 0; i < count; i++) {
            if (buffer.remaining() < ENTRY_HEADER_BYTES) {
                return corrupt("entry " + i + " is cut short");
            }
            long producerId = buffer.getLong();
            short epoch = buffer.getShort();
            int batchCount = buffer.get();
            if (producerId <= previousId || batchCount < 1 || batchCount > ProducerState.MAX_BATCHES
                || buffer.remaining() < batchCount * BATCH_BYTES) {
                return corrupt("entry " + i + " (producer " + producerId + ", " + batchCount + " batches) is invalid");
            }
            List<BatchMetadata> batches = new ArrayList<>(batchCount);
            for (int b = 0; b < batchCount; b++) {
                batches.add(new BatchMetadata(buffer.getInt(), buffer.getInt(), buffer.getLong(), buffer.getLong(),
                    buffer.getLong()));
            }
            producers.add(new ProducerState(producerId, epoch, batches));
            previousId = producerId;
        }
        if (buffer.hasRemaining()) {
            return corrupt(buffer.remaining() + " bytes after the last entry");
        }
        return new Read(producers, null);
    }

    private static Read corrupt(String problem) {
        return new Read(List.of(), problem);
    }

    private static int crc(ByteBuffer buffer) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(CRC_START).limit(buffer.limit()));
        return (int) crc.getValue();
    }
}
