package io.varve.benchmarks;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What one broker restart costs when partitions hold little data in big preallocated segments: the
 * wall time of {@link LogManager#open} and the process's resident memory right after it (issue 11,
 * defect 4: both must follow the data, not the preallocation). Not a JMH benchmark: one restart of a
 * fresh JVM, measured once, memory as much as time.
 *
 * <pre>
 *   # 24 partitions of 22 KiB each (1 KiB records, default config: 1 GiB segments), then a crash (halt):
 *   java @.mvn/jvm.config -cp benchmarks/target/benchmarks.jar io.varve.benchmarks.RestartFootprint write /tmp/restart 24 22528
 *   # a restart after that crash (every partition recovered from recovery point 0), then a clean shutdown:
 *   java @.mvn/jvm.config -cp benchmarks/target/benchmarks.jar io.varve.benchmarks.RestartFootprint open /tmp/restart
 *   # a restart after that clean shutdown:
 *   java @.mvn/jvm.config -cp benchmarks/target/benchmarks.jar io.varve.benchmarks.RestartFootprint open /tmp/restart
 * </pre>
 *
 * An optional last argument, in both modes, sets {@code log.segment.bytes} (the open must give the
 * write's). Resident memory is {@code VmRSS} and its file-backed part {@code RssFile} (where mapped
 * segment pages land) from {@code /proc/self/status}: Linux only.
 */
public final class RestartFootprint {

    private static final int RECORD_BYTES = 1024;

    private RestartFootprint() {
    }

    public static void main(String[] args) throws IOException {
        JvmFlags.requireChronicleFlags();
        if (args.length < 2 || !args[0].equals("write") && !args[0].equals("open")) {
            throw new IllegalArgumentException("usage: write <dir> <partitions> <bytes per partition> [segment bytes]"
                + " | open <dir> [segment bytes]");
        }
        Path dir = Path.of(args[1]);
        boolean write = args[0].equals("write");
        int segmentArg = write ? 4 : 2;
        int segmentBytes = args.length > segmentArg ? Integer.parseInt(args[segmentArg]) : LogConfig.defaults().segmentBytes();
        StorageConfig config = StorageConfig.from(Map.of(StorageConfig.LOG_DIRS, dir.toString(),
            LogConfig.SEGMENT_BYTES, segmentBytes));
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            if (write) {
                writeAndCrash(config, Integer.parseInt(args[2]), Integer.parseInt(args[3]), executor);
            } else {
                openAndClose(config, executor);
            }
        } finally {
            executor.shutdown();
        }
    }

    /** Writes the partitions and halts without closing anything: files untrimmed, no clean-shutdown marker. */
    private static void writeAndCrash(StorageConfig config, int partitions, int bytesPerPartition, ExecutorService executor)
        throws IOException {
        Files.createDirectories(config.logDirs().get(0));
        LogManager manager = LogManager.open(config, Clock.system(), executor);
        BatchRing batches = BatchRing.of(RECORD_BYTES, 1, 8, 42);
        long total = 0;
        for (int p = 0; p < partitions; p++) {
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("restart", p));
            while (log.sizeInBytes() < bytesPerPartition) {
                UnsafeBuffer batch = batches.next();
                if (!log.append(batch, 0, batch.capacity(), 1).isOk()) {
                    throw new IllegalStateException("append failed");
                }
            }
            total += log.sizeInBytes();
        }
        System.out.printf("wrote partitions=%d bytes=%d segmentBytes=%d to %s, crashing now%n", partitions, total,
            config.logConfig().segmentBytes(), config.logDirs().get(0));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void openAndClose(StorageConfig config, ExecutorService executor) throws IOException {
        long startNs = System.nanoTime();
        LogManager manager = LogManager.open(config, Clock.system(), executor);
        long openMs = (System.nanoTime() - startNs) / 1_000_000;
        Map<String, Long> status = ProcStatus.read();
        int recovered = 0;
        for (PartitionLog log : manager.allLogs()) {
            recovered += log.recoveryReport().recoveredSegments();
        }
        System.out.printf("partitions=%d recoveredSegments=%d openMs=%d VmRSS=%d MiB RssFile=%d MiB segmentBytes=%d%n",
            manager.allLogs().size(), recovered, openMs, status.get("VmRSS") >> 10, status.get("RssFile") >> 10,
            config.logConfig().segmentBytes());
        manager.close();
    }

    /** {@code /proc/self/status} fields in kB. */
    private static final class ProcStatus {

        private ProcStatus() {
        }

        static Map<String, Long> read() throws IOException {
            Map<String, Long> fields = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                String value = line.substring(colon + 1).trim();
                if (value.endsWith(" kB")) {
                    fields.put(line.substring(0, colon), Long.parseLong(value.substring(0, value.length() - 3).trim()));
                }
            }
            return fields;
        }
    }
}
