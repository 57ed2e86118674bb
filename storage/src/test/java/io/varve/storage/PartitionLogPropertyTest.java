package io.varve.storage;

import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.parse;
import static io.varve.storage.TestBatches.readBatches;
import static io.varve.storage.TestBatches.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.TestBatches.Stored;
import io.varve.storage.checkpoint.LeaderEpochCache;
import io.varve.storage.index.LogFileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The partition log checked against the simplest model of it: a list of batches with their offsets,
 * a log start and a log end. Random commands — append, read, roll, truncate, truncate fully,
 * retention by size, advancing the log start, flush, and reopening after a clean close or after a
 * crash (a copy of the files taken while the log is open, opened unclean; whole, or with its last
 * segment torn) — run on both, with small
 * segments and indexes so that rolls happen all the time.
 *
 * <p>Invariants, checked after every command: the log start and end are the model's; every
 * segment starts at a batch boundary; reading the whole log from its start gives exactly the
 * model's batches (parsed by kafka-clients). A read command checks one read: whole batches from the
 * one containing the offset, within {@code maxBytes} except for the first, within one segment.
 * A failing case prints its seed and shrunk sample; jqwik tries the failing sample first on the next
 * run (its database is under {@code target/}), and {@code @Property(seed = "...")} replays a seed.
 */
class PartitionLogPropertyTest {

    private static final TopicPartition TP = new TopicPartition("model", 0);

    /** One command; numbers are turned into legal (or deliberately illegal) arguments on the spot. */
    sealed interface Op {
    }

    record Append(int records, int padding, long timestamp, boolean newEpoch) implements Op {
    }

    record Read(int offsetPercent, int maxBytes) implements Op {
    }

    record Roll() implements Op {
    }

    record OffsetForTimestamp(long timestamp) implements Op {
    }

    record TruncateTo(int percent) implements Op {
    }

    record TruncateFully(int percent) implements Op {
    }

    record DeleteRetained() implements Op {
    }

    record AdvanceStart(int percent) implements Op {
    }

    record Flush() implements Op {
    }

    record ReopenClean() implements Op {
    }

    record ReopenAfterCrash() implements Op {
    }

    /** A crash that tore the last segment: its file ends {@code percent} of the way into its data. */
    record ReopenAfterTornCrash(int percent) implements Op {
    }

    /** The log's configuration for one try: small, so that every limit is reached. */
    record Sizes(int segmentBytes, int indexIntervalBytes, int indexEntries, long retentionBytes) {

        LogConfig config() {
            return LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, segmentBytes, LogConfig.MESSAGE_MAX_BYTES, 1024,
                LogConfig.INDEX_INTERVAL_BYTES, indexIntervalBytes, LogConfig.INDEX_SIZE_MAX_BYTES, indexEntries * 12,
                LogConfig.RETENTION_BYTES, retentionBytes, LogConfig.RETENTION_MS, -1L));
        }
    }

    /** A batch of the model and its size on disk. */
    record ModelBatch(Stored stored, int size) {
    }

    /** The model: batches in offset order, all of them at or after the log start's batch. */
    static final class Model {
        final List<ModelBatch> batches = new ArrayList<>();
        long logStart;
        long logEnd;
        int epoch;

        /** Drops the batches that end at or before {@code offset}: nothing in them can be read. */
        void dropBelow(long offset) {
            batches.removeIf(b -> b.stored().nextOffset() <= offset);
        }

        List<Stored> stored() {
            return batches.stream().map(ModelBatch::stored).toList();
        }
    }

    /** The system under test and the files it lives in. */
    static final class Subject implements AutoCloseable {
        final Path root;
        final LogConfig config;
        final ManualClock clock = new ManualClock();
        PartitionLog log;
        int generation;

        Subject(Path root, LogConfig config) throws IOException {
            this.root = root;
            this.config = config;
            this.log = PartitionLog.open(root.resolve("gen-0"), TP, config, clock, 0, 0, true);
        }

        @Override
        public void close() {
            log.close();
        }
    }

    @Property(tries = 150)
    void logAgreesWithTheModelAfterEveryCommand(@ForAll("sizes") Sizes sizes,
                                                @ForAll("ops") @Size(max = 30) List<Op> ops) throws IOException {
        Path root = Files.createTempDirectory("partition-log-property");
        try (Subject subject = new Subject(root, sizes.config())) {
            Model model = new Model();
            for (Op op : ops) {
                apply(op, subject, model);
                assertAgrees(subject.log, model, op);
            }
        } finally {
            deleteRecursively(root);
        }
    }

    private static void apply(Op op, Subject subject, Model model) throws IOException {
        PartitionLog log = subject.log;
        if (op instanceof Append a) {
            append(a, log, model);
        } else if (op instanceof Read r) {
            checkRead(r, log, model);
        } else if (op instanceof Roll) {
            log.roll();
        } else if (op instanceof OffsetForTimestamp o) {
            checkOffsetForTimestamp(o.timestamp(), log, model);
        } else if (op instanceof TruncateTo t) {
            truncateTo(pick(t.percent(), 0, model.logEnd + 2), log, model);
        } else if (op instanceof TruncateFully t) {
            long offset = pick(t.percent(), 0, model.logEnd + 5);
            log.truncateFullyAndStartAt(offset);
            model.batches.clear();
            model.logStart = offset;
            model.logEnd = offset;
        } else if (op instanceof DeleteRetained) {
            deleteRetained(log, model);
        } else if (op instanceof AdvanceStart a) {
            long newStart = pick(a.percent(), model.logStart, model.logEnd);
            log.advanceLogStartOffset(newStart);
            model.logStart = Math.max(model.logStart, newStart);
            model.dropBelow(model.logStart);
        } else if (op instanceof Flush) {
            log.flush();
            assertEquals(model.logEnd, log.recoveryPoint(), "a flush moves the recovery point to the end");
        } else if (op instanceof ReopenClean) {
            reopenClean(subject);
        } else if (op instanceof ReopenAfterCrash) {
            reopenAfterCrash(subject);
        } else if (op instanceof ReopenAfterTornCrash t) {
            reopenAfterTornCrash(t.percent(), subject, model);
        }
    }

    /** {@code percent} of the way from {@code low} to {@code high}, both included. */
    private static long pick(int percent, long low, long high) {
        return low + (high - low) * percent / 100;
    }

    private static void append(Append a, PartitionLog log, Model model) {
        if (a.newEpoch()) {
            model.epoch++;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < a.records(); i++) {
            values.add("r" + (model.logEnd + i));
        }
        UnsafeBuffer bytes = batch(a.timestamp(), a.padding(), values.toArray(String[]::new));
        AppendResult result = TestBatches.append(log, bytes, model.epoch);
        assertEquals(model.logEnd, result.firstOffset(), "appends go to the log end");
        model.batches.add(new ModelBatch(new Stored(model.logEnd, a.timestamp(), model.epoch, values), bytes.capacity()));
        model.logEnd += a.records();
    }

    /** Removes the batch containing {@code offset} and all after it; below the log start, starts over there. */
    private static void truncateTo(long offset, PartitionLog log, Model model) {
        log.truncateTo(offset);
        if (offset >= model.logEnd) {
            return;
        }
        if (offset < model.logStart) {
            model.batches.clear();
            model.logStart = offset;
            model.logEnd = offset;
            return;
        }
        int firstRemoved = 0;
        while (firstRemoved < model.batches.size() && model.batches.get(firstRemoved).stored().nextOffset() <= offset) {
            firstRemoved++;
        }
        if (firstRemoved < model.batches.size()) {
            model.logEnd = model.batches.get(firstRemoved).stored().baseOffset();
            model.batches.subList(firstRemoved, model.batches.size()).clear();
        }
        // The batch holding the log start may have gone: the log cannot start after it ends.
        model.logStart = Math.min(model.logStart, model.logEnd);
    }

    /**
     * Retention deletes whole segments from the oldest, never the active one, while what is left is
     * still at least {@code retention.bytes}; the model learns the new start from the segment bases.
     */
    private static void deleteRetained(PartitionLog log, Model model) {
        List<Long> basesBefore = log.segmentBaseOffsets();
        int deleted = log.deleteRetainedSegments();
        List<Long> basesAfter = log.segmentBaseOffsets();
        long retentionBytes = log.config().retentionBytes();
        assertEquals(basesBefore.subList(deleted, basesBefore.size()), basesAfter, "the oldest segments go");
        if (deleted > 0) {
            assertTrue(log.sizeInBytes() >= retentionBytes, "retention deleted too much");
            model.logStart = Math.max(model.logStart, basesAfter.get(0));
            model.dropBelow(model.logStart);
        }
        if (basesAfter.size() > 1) {
            assertTrue(sizeFrom(basesAfter.get(1), model) < retentionBytes,
                "retention kept a segment without which the log is still over retention.bytes");
        }
    }

    /** Bytes of the model's batches at or after {@code offset}. */
    private static long sizeFrom(long offset, Model model) {
        return model.batches.stream().filter(b -> b.stored().baseOffset() >= offset).mapToLong(ModelBatch::size).sum();
    }

    private static void reopenClean(Subject subject) throws IOException {
        PartitionLog log = subject.log;
        log.flush();
        log.close();
        subject.log = PartitionLog.open(log.dir(), TP, subject.config, subject.clock, log.recoveryPoint(),
            log.logStartOffset(), true);
        assertEquals(0, subject.log.recoveryReport().recoveredSegments(), "a clean open recovers nothing");
    }

    private static void reopenAfterCrash(Subject subject) throws IOException {
        PartitionLog log = subject.log;
        Path copy = CrashFiles.crashCopy(log.dir(), subject.root.resolve("gen-" + (++subject.generation)));
        log.close();
        subject.log = PartitionLog.open(copy, TP, subject.config, subject.clock, log.recoveryPoint(),
            log.logStartOffset(), false);
        RecoveryReport report = subject.log.recoveryReport();
        // Segments wholly below the log start may be deleted at open; nothing may be torn or corrupt.
        assertEquals(0, report.truncatedBytes(), "the page cache held every write: " + report);
        assertEquals(0, report.corruptBatches(), "the page cache held every write: " + report);
    }

    /**
     * Tears the last segment of a crash copy and opens it: the log keeps the batches that are still
     * whole (a batch that lost only zero bytes is whole), and never starts again below its
     * checkpointed start — recovery below it leaves the log empty there.
     */
    private static void reopenAfterTornCrash(int percent, Subject subject, Model model) throws IOException {
        PartitionLog log = subject.log;
        Path copy = CrashFiles.crashCopy(log.dir(), subject.root.resolve("gen-" + (++subject.generation)));
        List<Long> bases = log.segmentBaseOffsets();
        Path file = LogFileNames.logFile(copy, bases.get(bases.size() - 1));
        log.close();
        byte[] bytes = Files.readAllBytes(file);
        List<int[]> extents = batchExtents(bytes);
        int dataEnd = extents.isEmpty() ? 0 : extents.get(extents.size() - 1)[1];
        int cut = (int) pick(percent, 0, dataEnd);
        CrashFiles.cut(file, cut);
        long end = model.logEnd;
        for (int[] extent : extents) {
            if (extent[1] > cut && !isZero(bytes, cut, extent[1])) {
                end = ByteBuffer.wrap(bytes, extent[0], Long.BYTES).getLong();
                break;
            }
        }
        subject.log = PartitionLog.open(copy, TP, subject.config, subject.clock, log.recoveryPoint(),
            log.logStartOffset(), false);
        if (end < model.logEnd) {
            long cutAt = end;
            model.batches.removeIf(b -> b.stored().baseOffset() >= cutAt);
            model.logEnd = Math.max(end, model.logStart);
        }
    }

    /** {@code [start, end)} of each batch at the front of a segment file, up to its zero tail. */
    private static List<int[]> batchExtents(byte[] bytes) {
        List<int[]> extents = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int position = 0;
        while (position + 12 <= bytes.length && buffer.getInt(position + 8) > 0) {
            int end = position + 12 + buffer.getInt(position + 8);
            extents.add(new int[] {position, end});
            position = end;
        }
        return extents;
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * ListOffsets by time: the first batch that can still be read whose max timestamp is at or after
     * the target, at its base offset (or the log start, when that is inside it).
     */
    private static void checkOffsetForTimestamp(long timestamp, PartitionLog log, Model model) {
        var expected = model.batches.stream().map(ModelBatch::stored).filter(b -> b.maxTimestamp() >= timestamp)
            .findFirst()
            .map(b -> List.of(b.maxTimestamp(), Math.max(b.baseOffset(), model.logStart), (long) b.epoch()));
        var actual = log.offsetForTimestamp(timestamp).map(t -> List.of(t.timestamp(), t.offset(), (long) t.leaderEpoch()));
        assertEquals(expected, actual, "offset for timestamp " + timestamp);
    }

    /** One read, against the batches the model says it must return. */
    private static void checkRead(Read r, PartitionLog log, Model model) {
        long offset = pick(r.offsetPercent(), model.logStart - 2, model.logEnd + 2);
        try (LogSlice slice = log.read(offset, r.maxBytes())) {
            if (offset < model.logStart || offset > model.logEnd) {
                assertEquals(LogSlice.Status.OFFSET_OUT_OF_RANGE, slice.status(), "read at " + offset);
                return;
            }
            assertEquals(LogSlice.Status.OK, slice.status(), "read at " + offset);
            List<Stored> actual = new ArrayList<>();
            for (RecordBatch batch : parse(slice)) {
                actual.add(stored(batch));
            }
            assertEquals(expectedRead(offset, r.maxBytes(), log.segmentBaseOffsets(), model), actual,
                "read at " + offset + " of at most " + r.maxBytes() + " bytes");
        }
    }

    private static List<Stored> expectedRead(long offset, int maxBytes, List<Long> segmentBases, Model model) {
        List<Stored> expected = new ArrayList<>();
        long segmentEnd = Long.MAX_VALUE;
        long bytes = 0;
        for (ModelBatch batch : model.batches) {
            Stored stored = batch.stored();
            if (stored.nextOffset() <= offset) {
                continue;
            }
            if (expected.isEmpty()) {
                segmentEnd = segmentBases.stream().filter(base -> base > stored.baseOffset()).findFirst()
                    .orElse(Long.MAX_VALUE);
            } else if (stored.baseOffset() >= segmentEnd || bytes + batch.size() > maxBytes) {
                break;
            }
            expected.add(stored);
            bytes += batch.size();
        }
        return expected;
    }

    private static void assertAgrees(PartitionLog log, Model model, Op after) {
        String context = "after " + after;
        assertEquals(model.logStart, log.logStartOffset(), "log start " + context);
        assertEquals(model.logEnd, log.logEndOffset(), "log end " + context);
        assertTrue(log.recoveryPoint() <= log.logEndOffset(), "recovery point past the end " + context);
        for (long base : log.segmentBaseOffsets().subList(1, log.numberOfSegments())) {
            boolean boundary = base == model.logEnd
                || model.batches.stream().anyMatch(b -> b.stored().baseOffset() == base);
            assertTrue(boundary, "segment " + base + " starts inside a batch " + context);
        }
        assertEquals(model.stored(), readBatches(log, model.logStart), "the whole log " + context);
        assertEpochsAgree(log, model, context);
    }

    /** The leader-epoch cache maps every readable offset to the epoch stamped on its batch. */
    private static void assertEpochsAgree(PartitionLog log, Model model, String context) {
        LeaderEpochCache epochs = log.leaderEpochCache();
        for (ModelBatch batch : model.batches) {
            Stored stored = batch.stored();
            long first = Math.max(stored.baseOffset(), model.logStart);
            for (long offset = first; offset < stored.nextOffset(); offset++) {
                assertEquals(OptionalInt.of(stored.epoch()), epochs.epochForOffset(offset), "epoch of " + offset + " " + context);
            }
        }
        if (!model.batches.isEmpty()) {
            int last = model.batches.get(model.batches.size() - 1).stored().epoch();
            assertEquals(OptionalInt.of(last), epochs.latestEpoch(), "latest epoch " + context);
        }
    }

    @Provide
    Arbitrary<Sizes> sizes() {
        return Combinators.combine(
            Arbitraries.integers().between(LogConfig.MIN_SEGMENT_BYTES, 4096),
            Arbitraries.integers().between(0, 512),
            Arbitraries.integers().between(2, 20),
            Arbitraries.longs().between(500, 3000)
        ).as(Sizes::new);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> percent = Arbitraries.integers().between(0, 100);
        Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(0, 150), Arbitraries.longs().between(1, 100_000),
            Arbitraries.of(true, false, false, false)).as(Append::new);
        Arbitrary<Op> read = Combinators.combine(percent, Arbitraries.integers().between(1, 2000)).as(Read::new);
        return Arbitraries.frequencyOf(
            Tuple.of(12, append),
            Tuple.of(5, read),
            Tuple.of(2, Arbitraries.longs().between(0, 100_001).map(OffsetForTimestamp::new)),
            Tuple.of(2, Arbitraries.just(new Roll())),
            Tuple.of(2, percent.map(TruncateTo::new)),
            Tuple.of(1, percent.map(TruncateFully::new)),
            Tuple.of(2, Arbitraries.just(new DeleteRetained())),
            Tuple.of(2, percent.map(AdvanceStart::new)),
            Tuple.of(1, Arbitraries.just(new Flush())),
            Tuple.of(1, Arbitraries.just(new ReopenClean())),
            Tuple.of(1, Arbitraries.just(new ReopenAfterCrash())),
            Tuple.of(1, percent.map(ReopenAfterTornCrash::new))
        ).list();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
