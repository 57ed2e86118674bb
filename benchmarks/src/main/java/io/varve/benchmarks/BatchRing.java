package io.varve.benchmarks;

import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.compress.CompressionType;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A ring of pre-built, valid RecordBatch v2 batches in direct memory, as a produce request would
 * bring them: {@code recordsPerBatch} records of {@code recordSize} random value bytes each, no
 * key. Several distinct batches, so a benchmark does not copy one 16 KiB buffer that lives in L1.
 *
 * <p>Not thread-safe: one ring per benchmark thread.
 */
final class BatchRing {

    /** Bytes of record values per batch: 16 x 1 KiB, or 163 x 100 B. */
    static final int VALUE_BYTES_PER_BATCH = 16 * 1024;

    private final UnsafeBuffer[] batches;
    private int next;

    private BatchRing(UnsafeBuffer[] batches) {
        this.batches = batches;
    }

    /** {@code count} batches of {@code VALUE_BYTES_PER_BATCH / recordSize} records each. */
    static BatchRing of(int recordSize, int count, long seed) {
        return of(recordSize, recordsPerBatch(recordSize), count, seed);
    }

    /** {@code count} batches of {@code records} records each. */
    static BatchRing of(int recordSize, int records, int count, long seed) {
        return of(recordSize, records, count, seed, CompressionType.NONE, 256);
    }

    /**
     * {@code count} batches of {@code records} records each, compressed with {@code compression}; value
     * bytes drawn from {@code alphabet} symbols (256: incompressible; 16: about 2:1, like text).
     */
    static BatchRing of(int recordSize, int records, int count, long seed, CompressionType compression, int alphabet) {
        SplittableRandom random = new SplittableRandom(seed);
        int capacity = 128 + records * (recordSize + 32);
        RecordBatchBuilder builder = new RecordBatchBuilder();
        byte[] value = new byte[recordSize];
        UnsafeBuffer[] batches = new UnsafeBuffer[count];
        for (int b = 0; b < count; b++) {
            UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
            builder.wrap(buffer, 0, capacity).compression(compression);
            long timestampMs = 1_700_000_000_000L + b;
            for (int r = 0; r < records; r++) {
                for (int i = 0; i < value.length; i++) {
                    value[i] = (byte) random.nextInt(alphabet);
                }
                builder.append(timestampMs, null, value);
            }
            batches[b] = new UnsafeBuffer(buffer, 0, builder.build());
        }
        return new BatchRing(batches);
    }

    static int recordsPerBatch(int recordSize) {
        return Math.max(1, VALUE_BYTES_PER_BATCH / recordSize);
    }

    /** The next batch of the ring. */
    UnsafeBuffer next() {
        UnsafeBuffer batch = batches[next];
        next = next + 1 == batches.length ? 0 : next + 1;
        return batch;
    }

    /** Size of the first batch; they all differ by a few bytes at most. */
    int batchBytes() {
        return batches[0].capacity();
    }
}
