package io.varve.benchmarks;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Fetch-style reads of a hot segment: {@link PartitionLog#read} of up to 1 MiB from an offset, over
 * 256 MiB of 1 KiB records in ~16.6 KB batches that sit in the page cache (just written through the
 * mapping). Offsets are {@code RANDOM} (uniform over the log) or {@code SEQUENTIAL} (each read starts
 * where the previous one ended, as a consumer's fetches do).
 *
 * <ul>
 *   <li>{@link #slice} consumes only the slice's size: since a read is zero-copy, this is its whole
 *       cost — offset-index lookup, a walk of batch headers up to {@code maxBytes}, a reference on the
 *       segment and one slice object. Its {@code :bytes} rate is how fast the log can hand out bytes
 *       for a zero-copy send.</li>
 *   <li>{@link #sliceAndTouch} also reads one long in every 64-byte cache line of the slice and
 *       consumes their sum: the rate at which a reader that actually looks at the bytes (a copy to a
 *       socket buffer, TLS) gets them from a hot segment.</li>
 * </ul>
 */
@State(Scope.Thread)
public class ReadBenchmark extends BenchmarkDefaults {

    static final int LOG_BYTES = 256 << 20;
    static final int MAX_BYTES = 1 << 20;
    private static final int RECORD_SIZE = 1024;
    private static final int OFFSETS = 1 << 12;
    private static final TopicPartition PARTITION = new TopicPartition("read-bench", 0);

    public enum Pattern { RANDOM, SEQUENTIAL }

    @Param({"RANDOM", "SEQUENTIAL"})
    public Pattern pattern;

    private Path dir;
    private PartitionLog log;
    private final long[] offsets = new long[OFFSETS];
    private int nextOffset;

    @Setup(Level.Trial)
    public void writeLog() throws IOException {
        dir = TempDirs.create("read");
        log = PartitionLog.open(dir.resolve(PARTITION.directoryName()), PARTITION, LogConfig.defaults(), Clock.system());
        BatchRing batches = BatchRing.of(RECORD_SIZE, 64, 7);
        while (log.sizeInBytes() + batches.batchBytes() <= LOG_BYTES) {
            UnsafeBuffer batch = batches.next();
            if (!log.append(batch, 0, batch.capacity(), 1).isOk()) {
                throw new IllegalStateException("append failed");
            }
        }
        fillOffsets();
        System.out.printf("%n[read] %d bytes, %d records, %s offsets, dir %s%n",
            log.sizeInBytes(), log.logEndOffset(), pattern, dir);
    }

    private void fillOffsets() {
        long end = log.logEndOffset();
        SplittableRandom random = new SplittableRandom(11);
        long offset = 0;
        for (int i = 0; i < OFFSETS; i++) {
            if (pattern == Pattern.RANDOM) {
                offsets[i] = random.nextLong(end);
                continue;
            }
            offsets[i] = offset;
            try (LogSlice slice = log.read(offset, MAX_BYTES)) {
                offset += BatchRing.recordsPerBatch(RECORD_SIZE) * (long) countBatches(slice.buffer(), slice.sizeInBytes());
            }
            if (offset >= end) {
                offset = 0;
            }
        }
    }

    private static int countBatches(DirectBuffer buffer, int size) {
        int count = 0;
        for (int position = 0; position < size; count++) {
            position += 12 + buffer.getInt(position + 8, java.nio.ByteOrder.BIG_ENDIAN);
        }
        return count;
    }

    @TearDown(Level.Trial)
    public void deleteLog() throws IOException {
        log.delete();
        TempDirs.delete(dir);
    }

    private long nextOffset() {
        long offset = offsets[nextOffset];
        nextOffset = (nextOffset + 1) & (OFFSETS - 1);
        return offset;
    }

    @Benchmark
    public int slice(ByteCounter counter) {
        try (LogSlice slice = log.read(nextOffset(), MAX_BYTES)) {
            int size = slice.sizeInBytes();
            counter.bytes += size;
            return size;
        }
    }

    @Benchmark
    public long sliceAndTouch(ByteCounter counter) {
        try (LogSlice slice = log.read(nextOffset(), MAX_BYTES)) {
            DirectBuffer bytes = slice.buffer();
            int size = slice.sizeInBytes();
            long sum = 0;
            for (int position = 0; position + Long.BYTES <= size; position += 64) {
                sum += bytes.getLong(position);
            }
            counter.bytes += size;
            return sum;
        }
    }
}
