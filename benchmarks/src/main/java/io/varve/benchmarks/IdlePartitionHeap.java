package io.varve.benchmarks;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Heap used per open, idle partition log (target: under 64 KiB). Not a JMH benchmark: it is one
 * measurement of retained memory, not of time.
 *
 * <p>Opens {@code N} logs (default 1000) with the default config, appends three batches of two
 * 100-byte records to each, and keeps them open. Heap used is read through {@link MemoryMXBean} after
 * {@link System#gc()}, five rounds, median, before the logs are opened and after; the difference
 * over {@code N} is the heap one idle partition holds. Mapped segment and index files are off-heap
 * and not counted (only the Java objects that describe them are).
 *
 * <pre>
 *   java @.mvn/jvm.config -cp benchmarks/target/benchmarks.jar io.varve.benchmarks.IdlePartitionHeap [N]
 * </pre>
 */
public final class IdlePartitionHeap {

    private static final int GC_ROUNDS = 5;
    private static final int BATCHES_PER_PARTITION = 3;

    private IdlePartitionHeap() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        JvmFlags.requireChronicleFlags();
        int partitions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        UnsafeBuffer small = BatchRing.of(100, 2, 1, 9).next();
        Path dir = TempDirs.create("idle");
        List<PartitionLog> logs = new ArrayList<>(partitions);
        try {
            // Open and close one log first, so that classes and static caches are not billed to partitions.
            open(dir, -1, small).delete();
            long before = medianHeapUsed();
            for (int p = 0; p < partitions; p++) {
                logs.add(open(dir, p, small));
            }
            long after = medianHeapUsed();
            long perPartition = (after - before) / partitions;
            System.out.printf("partitions=%d heapBefore=%d heapAfter=%d bytesPerIdlePartition=%d (%.1f KiB)%n",
                partitions, before, after, perPartition, perPartition / 1024.0);
            System.out.printf("target: under 65536 bytes per idle partition: %s%n", perPartition < 65536 ? "met" : "MISSED");
        } finally {
            for (PartitionLog log : logs) {
                log.delete();
            }
            TempDirs.delete(dir);
        }
    }

    private static PartitionLog open(Path dir, int partition, UnsafeBuffer batch) throws IOException {
        TopicPartition tp = partition < 0 ? new TopicPartition("warm-up", 0) : new TopicPartition("idle", partition);
        PartitionLog log = PartitionLog.open(dir.resolve(tp.directoryName()), tp, LogConfig.defaults(), Clock.system());
        for (int b = 0; b < BATCHES_PER_PARTITION; b++) {
            if (!log.append(batch, 0, batch.capacity(), 1).isOk()) {
                throw new IllegalStateException("append failed");
            }
        }
        return log;
    }

    private static long medianHeapUsed() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] used = new long[GC_ROUNDS];
        for (int round = 0; round < GC_ROUNDS; round++) {
            System.gc();
            Thread.sleep(100);
            used[round] = memory.getHeapMemoryUsage().getUsed();
        }
        Arrays.sort(used);
        return used[GC_ROUNDS / 2];
    }
}
