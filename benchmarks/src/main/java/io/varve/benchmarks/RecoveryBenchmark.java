package io.varve.benchmarks;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recovery speed after an unclean shutdown: {@link PartitionLog#open} of a 1 GiB log with
 * {@code hadCleanShutdown=false} and recovery point 0, so every batch is validated (header, CRC32C,
 * every record, increasing offsets), both indexes of every segment are rebuilt, the leader-epoch
 * cache is rebuilt, and the recovered segments are fsynced. Target: 1 GB/s or better.
 *
 * <p>The log is written once per trial with the default config (1 GiB segments) and closed, so its
 * bytes are in the page cache: this measures the CPU cost of recovery, not the disk. Each
 * invocation is one whole recovery (single-shot time); GB/s = bytes recovered / score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RecoveryBenchmark extends BenchmarkDefaults {

    static final long LOG_BYTES = 1L << 30;
    private static final TopicPartition PARTITION = new TopicPartition("recovery-bench", 0);

    @Param({"1024", "100"})
    public int recordSize;

    private Path dir;
    private Path logDir;
    private PartitionLog recovered;

    @Setup(Level.Trial)
    public void writeLog() throws IOException {
        dir = TempDirs.create("recovery");
        logDir = dir.resolve(PARTITION.directoryName());
        BatchRing batches = BatchRing.of(recordSize, 64, 3);
        try (PartitionLog log = PartitionLog.open(logDir, PARTITION, LogConfig.defaults(), Clock.system())) {
            while (log.sizeInBytes() + batches.batchBytes() <= LOG_BYTES) {
                UnsafeBuffer batch = batches.next();
                if (!log.append(batch, 0, batch.capacity(), 1).isOk()) {
                    throw new IllegalStateException("append failed");
                }
            }
            log.flush();
            System.out.printf("%n[recovery] %d bytes, %d records of %d bytes, %d segment(s), dir %s%n",
                log.sizeInBytes(), log.logEndOffset(), recordSize, log.numberOfSegments(), dir);
        }
    }

    @Benchmark
    public PartitionLog recover() throws IOException {
        recovered = PartitionLog.open(logDir, PARTITION, LogConfig.defaults(), Clock.system(), 0, 0, false);
        return recovered;
    }

    /** Proves the invocation recovered every segment and lost nothing, then closes the log. */
    @TearDown(Level.Iteration)
    public void closeRecovered() {
        if (recovered.recoveryReport().recoveredSegments() != recovered.numberOfSegments()
            || recovered.recoveryReport().truncatedBytes() != 0) {
            throw new IllegalStateException("recovery did not validate the whole log: " + recovered.recoveryReport());
        }
        recovered.close();
    }

    @TearDown(Level.Trial)
    public void deleteLog() {
        TempDirs.delete(dir);
    }
}
