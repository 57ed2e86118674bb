package io.varve.benchmarks;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.compress.CompressionType;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a leader append checks on every produced batch before it writes it, in the order the
 * storage engine's {@code AppendValidator} runs it: the header and CRC32C over the batch
 * ({@code headerAndCrc}), and the full check that also walks every record, inflating a compressed
 * batch first within the decompression bound ({@code full}). Batches of {@code records} x 1 KiB
 * values drawn from 16 symbols (about 2:1 compressible, like text), as a producer sends them.
 *
 * <p>The {@code :bytes} secondary result is the batch bytes validated per second (as stored, i.e.
 * compressed); ops/s is batches per second.
 */
@State(Scope.Thread)
public class RecordBatchValidationBenchmark extends BenchmarkDefaults {

    /** What {@code message.max.bytes} defaults to in Varve and Kafka (1 MiB + overhead). */
    private static final int MAX_BATCH_BYTES = 1_048_588;
    /** The storage engine's bound for that batch size (64 x message.max.bytes). */
    private static final int MAX_DECOMPRESSED_BYTES = 64 * MAX_BATCH_BYTES;

    @Param({"16", "64"})
    public int records;

    @Param({"NONE", "LZ4", "ZSTD"})
    public CompressionType compression;

    private BatchRing batches;
    private final RecordBatchFlyweight flyweight = new RecordBatchFlyweight();

    @Setup(Level.Trial)
    public void prepare() {
        batches = BatchRing.of(1024, records, 16, 7, compression, 16);
        System.out.printf("%n[validate] %d x 1 KiB records, %s, %d bytes per batch%n", records, compression,
            batches.batchBytes());
    }

    /** Header, lengths, magic and CRC32C of one batch. */
    @Benchmark
    public BatchStatus headerAndCrc(ByteCounter counter) {
        UnsafeBuffer batch = batches.next();
        BatchStatus status = flyweight.wrap(batch, 0).validateHeaderAndCrc(batch.capacity(), MAX_BATCH_BYTES);
        return check(status, batch, counter);
    }

    /** Header and CRC, then every record (after inflating a compressed batch). */
    @Benchmark
    public BatchStatus full(ByteCounter counter) {
        UnsafeBuffer batch = batches.next();
        BatchStatus status = flyweight.wrap(batch, 0).validate(batch.capacity(), MAX_BATCH_BYTES, MAX_DECOMPRESSED_BYTES);
        return check(status, batch, counter);
    }

    private static BatchStatus check(BatchStatus status, UnsafeBuffer batch, ByteCounter counter) {
        if (!status.isOk()) {
            throw new IllegalStateException("a valid batch failed validation: " + status);
        }
        counter.bytes += batch.capacity();
        return status;
    }
}
