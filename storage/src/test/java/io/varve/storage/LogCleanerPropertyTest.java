package io.varve.storage;

import static io.varve.storage.CompactionBatches.keyed;
import static io.varve.storage.CompactionBatches.records;
import static io.varve.storage.TestBatches.append;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.CompactionBatches.Rec;
import io.varve.storage.cleaner.Throttler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.compress.Compression;

/**
 * Compaction against a model: random batches of random keys, values and tombstones, in random codecs,
 * over small segments; after a cleaning pass, the log read back by kafka-clients holds exactly the last
 * record of each key below the active segment (tombstones included while inside delete.retention.ms,
 * gone once past it) plus every record of the active segment, each at the offset it was appended at.
 * Cleaning twice changes nothing more, and a restart reads the same. A failing case prints its seed.
 */
class LogCleanerPropertyTest {

    private static final TopicPartition TP = new TopicPartition("compacted", 0);
    private static final long RETENTION_MS = 60_000;

    /** One record: key index and value, or a tombstone when the value is null. */
    record Put(int key, String value) {
    }

    record Batch(String codec, List<Put> puts) {
    }

    @Property(tries = 60)
    void cleaningKeepsExactlyTheLastRecordOfEachKey(@ForAll("batches") @Size(min = 1, max = 60) List<Batch> batches,
                                                     @ForAll boolean rollAtTheEnd,
                                                     @ForAll boolean expireTombstones,
                                                     @ForAll @IntRange(min = 1, max = 3) int passes) throws IOException,
        InterruptedException {
        Path root = Files.createTempDirectory("log-cleaner-property");
        ManualClock clock = new ManualClock();
        LogConfig config = LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, 700,
            LogConfig.INDEX_SIZE_MAX_BYTES, 4096, LogConfig.INDEX_INTERVAL_BYTES, 128,
            LogConfig.DELETE_RETENTION_MS, RETENTION_MS));
        PartitionLog log = PartitionLog.open(root.resolve(TP.directoryName()), TP, config, clock);
        try {
            List<Rec> appended = new ArrayList<>();
            for (Batch batch : batches) {
                String[] keysAndValues = new String[batch.puts().size() * 2];
                for (int i = 0; i < batch.puts().size(); i++) {
                    keysAndValues[2 * i] = "key-" + batch.puts().get(i).key();
                    keysAndValues[2 * i + 1] = batch.puts().get(i).value();
                }
                AppendResult result = append(log, keyed(compression(batch.codec()), clock.wallClockMs(), keysAndValues), 0);
                for (int i = 0; i < batch.puts().size(); i++) {
                    appended.add(new Rec(result.firstOffset() + i, keysAndValues[2 * i], keysAndValues[2 * i + 1]));
                }
            }
            if (rollAtTheEnd) {
                log.roll();
            }
            long activeBase = log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1);
            LogCleaner cleaner = new LogCleaner(1 << 20, clock, Throttler.unbounded(clock));

            cleaner.clean(log);
            if (expireTombstones) {
                clock.advanceMs(RETENTION_MS);
            }
            for (int pass = 1; pass < passes; pass++) {
                cleaner.clean(log);
            }

            List<Rec> expected = expected(appended, activeBase, expireTombstones && passes > 1);
            assertEquals(expected, records(log));
            assertEquals(appended.size(), log.logEndOffset());
            log.close();
            log = PartitionLog.open(root.resolve(TP.directoryName()), TP, config, clock, 0, 0, false);
            assertEquals(expected, records(log), "after an unclean restart");
        } finally {
            log.close();
            deleteRecursively(root);
        }
    }

    /** The model: the last record per key below the active segment, then the active segment whole. */
    private static List<Rec> expected(List<Rec> appended, long activeBase, boolean tombstonesGone) {
        Map<String, Long> last = new HashMap<>();
        for (Rec rec : appended) {
            if (rec.offset() < activeBase) {
                last.put(rec.key(), rec.offset());
            }
        }
        List<Rec> expected = new ArrayList<>();
        for (Rec rec : appended) {
            boolean cleaned = rec.offset() < activeBase;
            boolean survives = !cleaned || last.get(rec.key()) == rec.offset() && !(tombstonesGone && rec.value() == null);
            if (survives) {
                expected.add(rec);
            }
        }
        return expected;
    }

    private static Compression compression(String codec) {
        return switch (codec) {
            case "gzip" -> Compression.gzip().build();
            case "snappy" -> Compression.snappy().build();
            case "lz4" -> Compression.lz4().build();
            case "zstd" -> Compression.zstd().build();
            default -> Compression.NONE;
        };
    }

    @Provide
    Arbitrary<List<Batch>> batches() {
        Arbitrary<Put> put = Combinators.combine(
            Arbitraries.integers().between(0, 9),
            Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(40).injectNull(0.15))
            .as(Put::new);
        Arbitrary<Batch> batch = Combinators.combine(
            Arbitraries.of("none", "none", "gzip", "snappy", "lz4", "zstd"),
            put.list().ofMinSize(1).ofMaxSize(6))
            .as(Batch::new);
        return batch.list();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
