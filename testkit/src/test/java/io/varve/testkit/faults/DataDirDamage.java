package io.varve.testkit.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Damage to a stopped node's partition files, as a torn write or a bad disk leaves them: a zeroed
 * tail, one flipped byte inside a batch, a deleted offset index. Each picks a partition directory
 * ({@code <log dir>/<topic>-<partition>}) whose newest segment holds batches, starting at the one
 * drawn and going round: a recovery after an unclean stop validates the segment that holds the
 * recovery point and those after it, the newest always among them. Batches are found by their
 * RecordBatch v2 framing (base offset int64, batch length int32, then that many bytes; DESIGN §3),
 * not by asking Varve. Stateless; never run on a node that is up.
 */
final class DataDirDamage {

    /** RecordBatch v2: baseOffset(8) batchLength(4) partitionLeaderEpoch(4) magic(1) crc(4); the CRC covers the rest. */
    private static final int LOG_OVERHEAD = 12;
    private static final int CRC_COVERED_FROM = 21;
    private static final int MIN_BATCH_LENGTH = 49;

    /** A batch's place in a segment file. */
    private record Batch(long position, int size) {
    }

    private DataDirDamage() {
    }

    /** Zeroes the last {@code 1-8} KiB of data (not of the preallocated file) of a partition's newest segment. */
    static String zeroTail(Path dataDir, String topic, int partitions, int partition, Random random) throws IOException {
        Path segment = newestSegmentWithData(dataDir, topic, partitions, partition);
        if (segment == null) {
            return "nothing to zero: no partition's newest segment holds a batch";
        }
        List<Batch> batches = batches(segment);
        Batch last = batches.get(batches.size() - 1);
        long end = last.position() + last.size();
        int bytes = 1024 * (1 + random.nextInt(8));
        long from = Math.max(0, end - bytes);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (end - from)), from);
            ch.force(true);
        }
        return "zeroed bytes " + from + ".." + end + " of " + describe(dataDir, segment) + " (" + batches.size()
            + " batches, " + batches.stream().filter(b -> b.position() + b.size() > from).count() + " touched)";
    }

    /** Flips one byte in the CRC-covered part of a random batch of a partition's newest segment. */
    static String flipByte(Path dataDir, String topic, int partitions, int partition, Random random) throws IOException {
        Path segment = newestSegmentWithData(dataDir, topic, partitions, partition);
        if (segment == null) {
            return "nothing to flip: no partition's newest segment holds a batch";
        }
        List<Batch> batches = batches(segment);
        int index = random.nextInt(batches.size());
        Batch batch = batches.get(index);
        long at = batch.position() + CRC_COVERED_FROM + random.nextInt(batch.size() - CRC_COVERED_FROM);
        byte mask = (byte) (1 + random.nextInt(255));
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            byte before = b.get(0);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (before ^ mask)}), at);
            ch.force(true);
        }
        return "flipped byte " + at + " (mask 0x" + Integer.toHexString(mask & 0xff) + ") in batch " + (index + 1) + " of "
            + batches.size() + " of " + describe(dataDir, segment);
    }

    /** Deletes the {@code .index} file of a random segment of the drawn partition. */
    static String deleteIndex(Path dataDir, String topic, int partition, Random random) throws IOException {
        Path dir = dataDir.resolve(topic + "-" + partition);
        List<Path> indexes = files(dir, ".index");
        if (indexes.isEmpty()) {
            return "nothing to delete: " + dir + " has no .index file";
        }
        Path index = indexes.get(random.nextInt(indexes.size()));
        Files.delete(index);
        return "deleted " + describe(dataDir, index) + " (" + indexes.size() + " segments)";
    }

    private static String describe(Path dataDir, Path file) {
        return dataDir.relativize(file).toString();
    }

    private static Path newestSegmentWithData(Path dataDir, String topic, int partitions, int first) throws IOException {
        for (int i = 0; i < partitions; i++) {
            List<Path> segments = files(dataDir.resolve(topic + "-" + (first + i) % partitions), ".log");
            if (!segments.isEmpty() && !batches(segments.get(segments.size() - 1)).isEmpty()) {
                return segments.get(segments.size() - 1);
            }
        }
        return null;
    }

    /** The files of {@code dir} ending in {@code suffix}, by name: segments sort by base offset. */
    private static List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The batches of a segment up to the first that is not whole (a preallocated file's zeros end it). */
    private static List<Batch> batches(Path segment) throws IOException {
        List<Batch> batches = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = ch.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(LOG_OVERHEAD);
            while (position + LOG_OVERHEAD <= size) {
                header.clear();
                ch.read(header, position);
                int length = header.getInt(8);
                if (length < MIN_BATCH_LENGTH || position + LOG_OVERHEAD + length > size) {
                    break;
                }
                batches.add(new Batch(position, LOG_OVERHEAD + length));
                position += LOG_OVERHEAD + length;
            }
        }
        return batches;
    }
}
