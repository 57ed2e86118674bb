package io.varve.broker.handler;

import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.checkpoint.CleanShutdownMarker;
import io.varve.storage.checkpoint.OffsetCheckpointFile;
import io.varve.storage.index.LogFileNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The disk of a {@link SimBroker} that loses power: whatever a log had not flushed is gone, as after a
 * machine crash (a process crash keeps the page cache; this does not).
 *
 * <p>"Flushed" is what the storage code says it is: {@code PartitionLog.recoveryPoint()}, below which
 * every segment was forced to the device ({@code log.flush.interval.*}, a roll does not flush). Every byte
 * of the partition's segments from the first batch at or past the recovery point is unsynced; of those,
 * the disk keeps a prefix drawn from the seed, in one of three shapes: nothing ({@link Tail#CUT_AT_FLUSH}),
 * a prefix that ends anywhere, mid-batch included ({@link Tail#TORN}), or nothing but with the file's
 * length kept, its tail zeroed ({@link Tail#ZEROED}, a size update that reached the disk before the
 * data). Segments wholly past the cut are deleted with their indexes; the other indexes are left as
 * they were (they may point past the data, as after a real power loss). The clean-shutdown marker and
 * the recovery-point checkpoint go too: the next start recovers every segment.
 *
 * <p>Not thread-safe; works on a closed log directory.
 */
final class SimDisk {

    /** How the unsynced tail of a log looks after the power loss. */
    enum Tail {
        CUT_AT_FLUSH, TORN, ZEROED
    }

    /** What one power loss did to one broker's disk. */
    record Loss(long bytesLost, int logsCut, int segmentsDeleted) {
    }

    private SimDisk() {
    }

    /**
     * Cuts every partition directory under {@code logDir} to what its log had flushed.
     *
     * @param recoveryPoints per partition directory name, the log's recovery point when the power went
     * @param lieAboutFsync  the planted disk bug: it also loses the last flushed batch of each log
     */
    static Loss losePower(Path logDir, Map<String, Long> recoveryPoints, Random random, boolean lieAboutFsync)
            throws IOException {
        long lost = 0;
        int cut = 0;
        int deleted = 0;
        for (Map.Entry<String, Long> e : recoveryPoints.entrySet()) {
            Path dir = logDir.resolve(e.getKey());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> segments = segments(dir);
            // The byte stream of the segments in order, and where the unsynced part of it starts.
            long[] durable = durablePositions(segments, e.getValue(), lieAboutFsync);
            long unsynced = 0;
            for (int i = 0; i < segments.size(); i++) {
                unsynced += Files.size(segments.get(i)) - durable[i];
            }
            if (unsynced == 0) {
                continue;
            }
            Tail tail = Tail.values()[random.nextInt(Tail.values().length)];
            long keep = tail == Tail.TORN ? (long) (random.nextDouble() * unsynced) : 0;
            lost += unsynced - keep;
            cut++;
            for (int i = 0; i < segments.size(); i++) {
                Path segment = segments.get(i);
                long size = Files.size(segment);
                long kept = Math.min(size - durable[i], keep);
                keep -= kept;
                long end = durable[i] + kept;
                if (end == size) {
                    continue;
                }
                if (end == 0 && i > 0) {
                    long base = LogFileNames.parseBaseOffset(segment);
                    Files.delete(segment);
                    Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, base));
                    Files.deleteIfExists(LogFileNames.timeIndexFile(dir, base));
                    deleted++;
                    continue;
                }
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                    ch.truncate(end);
                    if (tail == Tail.ZEROED) {
                        ch.write(ByteBuffer.allocate((int) (size - end)), end);
                    }
                }
            }
        }
        Files.deleteIfExists(logDir.resolve(CleanShutdownMarker.FILE_NAME));
        Files.deleteIfExists(logDir.resolve(OffsetCheckpointFile.RECOVERY_POINT_FILE_NAME));
        return new Loss(lost, cut, deleted);
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(LogFileNames.LOG_SUFFIX))
                .sorted((a, b) -> Long.compare(LogFileNames.parseBaseOffset(a), LogFileNames.parseBaseOffset(b)))
                .toList());
        }
    }

    /**
     * Per segment, the byte position where its unsynced data starts: the first batch at or past
     * {@code recoveryPoint} (the file's end when there is none). Lying, one batch earlier in the log.
     */
    private static long[] durablePositions(List<Path> segments, long recoveryPoint, boolean lie) throws IOException {
        long[] durable = new long[segments.size()];
        int lastSegment = -1;
        long lastBatchStart = -1;
        for (int i = 0; i < segments.size(); i++) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segments.get(i))).order(ByteOrder.BIG_ENDIAN);
            int position = 0;
            durable[i] = bytes.capacity();
            while (position + RecordBatchFlyweight.LOG_OVERHEAD <= bytes.capacity()) {
                long baseOffset = bytes.getLong(position + RecordBatchFlyweight.BASE_OFFSET_OFFSET);
                int length = bytes.getInt(position + RecordBatchFlyweight.LENGTH_OFFSET);
                if (length <= 0) {
                    break;
                }
                if (baseOffset >= recoveryPoint) {
                    durable[i] = position;
                    break;
                }
                lastSegment = i;
                lastBatchStart = position;
                position += RecordBatchFlyweight.LOG_OVERHEAD + length;
            }
        }
        if (lie && lastSegment >= 0) {
            durable[lastSegment] = lastBatchStart;
            for (int i = lastSegment + 1; i < segments.size(); i++) {
                durable[i] = 0;
            }
        }
        return durable;
    }
}
