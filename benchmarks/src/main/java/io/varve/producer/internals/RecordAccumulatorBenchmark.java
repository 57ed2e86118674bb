package io.varve.producer.internals;

import io.varve.benchmarks.BenchmarkDefaults;
import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.record.compress.CompressionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The producer's hot path without a network: {@link RecordAccumulator#append} of one record per
 * call, and whenever a batch fills, what the sender does with it, with the producer's own classes
 * and defaults ({@code batch.size} 16 KiB, {@code buffer.memory} 32 MiB, 5 in flight, idempotent):
 * {@code ready}, {@code drain} (which closes, i.e. builds and compresses, each batch through the
 * {@link InFlightTracker}), then the acknowledgement (futures completed, memory released) as if the
 * broker had answered at once. Records go to one of {@value #PARTITIONS} partitions at a time and
 * move on when its batch fills, as the sticky partitioner does for unkeyed records.
 *
 * <p>Lives in the producer's package (in this module, so the producer is unchanged) because the
 * tracker and the batch's close and complete are package-private. ops/s is records per second; the
 * {@code :bytes} secondary result is value bytes per second.
 */
@State(Scope.Thread)
public class RecordAccumulatorBenchmark extends BenchmarkDefaults {

    static final int PARTITIONS = 6;
    private static final Node LEADER = new Node(1, "127.0.0.1", 9092);

    @Param({"1024", "100"})
    public int recordSize;

    @Param({"NONE", "LZ4"})
    public CompressionType compression;

    /** Value bytes appended, as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    private RecordAccumulator accumulator;
    private InFlightTracker tracker;
    private Cluster cluster;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private byte[][] values;
    private int nextValue;
    private int partition;
    private long offset;

    @Setup(Level.Trial)
    public void prepare() {
        Clock clock = Clock.system();
        accumulator = new RecordAccumulator(16 * 1024, 5, 120_000, compression, new MemoryLimiter(32 << 20, clock), clock);
        tracker = new InFlightTracker(true, 5);
        tracker.setProducerId(1000L, (short) 0);
        List<Cluster.PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition("bench", p));
            infos.add(new Cluster.PartitionInfo(p, LEADER.id(), 0, Errors.NONE));
        }
        cluster = new Cluster("bench", Map.of(LEADER.id(), LEADER),
            Map.of("bench", new Cluster.TopicMetadata("bench", UUID.randomUUID(), Errors.NONE, infos)), 0L);
        SplittableRandom random = new SplittableRandom(5);
        values = new byte[64][recordSize];
        for (byte[] value : values) {
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) random.nextInt(16);
            }
        }
    }

    /** One record into the accumulator; when its batch is full, send and acknowledge what is ready. */
    @Benchmark
    public Object append(Bytes counter) throws InterruptedException {
        byte[] value = values[nextValue];
        nextValue = (nextValue + 1) & 63;
        RecordAccumulator.AppendResult result = accumulator.append(partitions.get(partition), 1_700_000_000_000L, null,
            value, List.of(), null, false, Long.MAX_VALUE);
        if (result.error() != null) {
            throw result.error();
        }
        counter.bytes += value.length;
        if (result.batchFull()) {
            sendReadyBatches();
            partition = (partition + 1) % PARTITIONS;
        }
        return result.future();
    }

    private void sendReadyBatches() {
        long nowMs = System.currentTimeMillis();
        RecordAccumulator.ReadyCheck ready = accumulator.ready(cluster, nowMs);
        Map<Node, List<ProducerBatch>> drained = accumulator.drain(cluster, ready.readyNodes(), 1 << 20, nowMs, tracker);
        for (List<ProducerBatch> batches : drained.values()) {
            for (ProducerBatch batch : batches) {
                if (batch.records().sizeInBytes() <= 0) {
                    throw new IllegalStateException("an empty batch was drained");
                }
                tracker.onResponse(batch);
                batch.complete(offset, -1L);
                offset += batch.recordCount();
                tracker.onResolved(batch, false);
                accumulator.deallocate(batch);
            }
        }
    }
}
