package io.varve.benchmarks;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.AppendResult;
import io.varve.storage.MappedFileRegion;
import io.varve.storage.PartitionLog;
import io.varve.storage.index.LogFileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Leader append throughput of a {@link PartitionLog}, next to a baseline that copies the same
 * batches into a fresh {@link MappedFileRegion} with no logic at all. The ratio of the two
 * {@code :bytes} rates is what the log's work costs: validation (header, CRC32C, every record),
 * offset and epoch stamping, index entries and roll checks. Target: the log at 0.5 of the baseline
 * or better.
 *
 * <p>Both sides write 1 GiB files, preallocated sparse and mapped, so both pay the same page faults
 * on fresh pages. When the log has filled a segment it rolls, and a retention pass (retention.bytes
 * 0) deletes the full one, as the broker's retention would; the baseline deletes its full file and
 * maps a new one. Disk use stays under ~2 GiB; each iteration starts from an empty directory.
 *
 * <p>{@code recordSize} 1024 gives batches of 16 records (~16.6 KB); 100 gives 163 records (~17.7
 * KB) of the same value bytes, where per-record validation weighs more.
 */
@State(Scope.Thread)
public class AppendBenchmark extends BenchmarkDefaults {

    static final int SEGMENT_BYTES = 1 << 30;
    private static final int LEADER_EPOCH = 1;
    private static final TopicPartition PARTITION = new TopicPartition("append-bench", 0);

    @Param({"1024", "100"})
    public int recordSize;

    private BatchRing batches;
    private Path dir;
    private LogConfig config;

    private PartitionLog log;
    private long bytesSinceRetention;

    private MappedFileRegion region;
    private int regionPosition;
    private int regionFiles;

    @Setup(Level.Trial)
    public void prepare() {
        batches = BatchRing.of(recordSize, 64, 42);
        dir = TempDirs.create("append");
        config = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, SEGMENT_BYTES, LogConfig.RETENTION_BYTES, 0L));
        System.out.printf("%n[append] %d-byte records, %d per batch, %d bytes per batch, dir %s%n",
            recordSize, BatchRing.recordsPerBatch(recordSize), batches.batchBytes(), dir);
    }

    @Setup(Level.Iteration)
    public void openTargets() throws IOException {
        log = PartitionLog.open(dir.resolve(PARTITION.directoryName()), PARTITION, config, Clock.system());
        bytesSinceRetention = 0;
        region = MappedFileRegion.open(dir.resolve("baseline-" + regionFiles++ + ".bin"), SEGMENT_BYTES, false);
        regionPosition = 0;
        prepareFiles(LogFileNames.logFile(log.dir(), 0), region);
    }

    /**
     * Called once both targets are open, before the iteration: a hook for a variant that wants the
     * target files in a different state. Here: nothing, the files are fresh and sparse.
     */
    void prepareFiles(Path firstSegment, MappedFileRegion baseline) throws IOException {
    }

    @TearDown(Level.Iteration)
    public void deleteTargets() throws IOException {
        log.delete();
        TempDirs.delete(log.dir());
        deleteRegion();
    }

    @TearDown(Level.Trial)
    public void cleanUp() {
        TempDirs.delete(dir);
    }

    /** One leader append of one batch; a retention pass after each segment's worth of bytes. */
    @Benchmark
    public AppendResult partitionLog(ByteCounter counter) {
        UnsafeBuffer batch = batches.next();
        AppendResult result = log.append(batch, 0, batch.capacity(), LEADER_EPOCH);
        if (!result.isOk()) {
            throw new IllegalStateException("append failed: " + result);
        }
        counter.bytes += result.bytes();
        bytesSinceRetention += result.bytes();
        if (bytesSinceRetention >= SEGMENT_BYTES) {
            log.deleteRetainedSegments();
            bytesSinceRetention = 0;
        }
        return result;
    }

    /** The same bytes copied to the next position of a mapped file; a fresh file when it is full. */
    @Benchmark
    public int rawMappedBaseline(ByteCounter counter) throws IOException {
        UnsafeBuffer batch = batches.next();
        int length = batch.capacity();
        if (regionPosition + length > region.capacity()) {
            deleteRegion();
            region = MappedFileRegion.open(dir.resolve("baseline-" + regionFiles++ + ".bin"), SEGMENT_BYTES, false);
            regionPosition = 0;
        }
        region.buffer().putBytes(regionPosition, batch, 0, length);
        regionPosition += length;
        counter.bytes += length;
        return regionPosition;
    }

    private void deleteRegion() throws IOException {
        region.close();
        Files.deleteIfExists(region.path());
    }
}
