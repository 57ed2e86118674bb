package io.varve.storage.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The cache checked against the simplest model there is: the epoch stamped on every record of a log.
 * A log appends batches (a new epoch or the current one), is truncated from the end (a diverged
 * follower) and from the start (retention). Invariant after every step: the cache's entries are
 * exactly "each epoch present in the log, at its first offset"; its lookups answer what the records
 * say; and a reload from disk gives the same entries.
 */
class LeaderEpochCachePropertyTest {

    /** One step; the numbers are turned into legal arguments against the current log. */
    sealed interface Op {
    }

    record Append(int epochIncrease, int records) implements Op {
    }

    record TruncateFromEnd(int percent) implements Op {
    }

    record TruncateFromStart(int percent) implements Op {
    }

    /** The model: the log start and the epoch of each record from it up to the log end. */
    static final class Log {
        long logStart;
        final List<Integer> epochs = new ArrayList<>();

        long logEnd() {
            return logStart + epochs.size();
        }

        int epochAt(long offset) {
            return epochs.get((int) (offset - logStart));
        }

        List<EpochEntry> expectedEntries() {
            List<EpochEntry> expected = new ArrayList<>();
            for (int i = 0; i < epochs.size(); i++) {
                if (i == 0 || !epochs.get(i).equals(epochs.get(i - 1))) {
                    expected.add(new EpochEntry(epochs.get(i), logStart + i));
                }
            }
            return expected;
        }
    }

    @Property(tries = 200)
    void cacheAgreesWithTheRecordsOfTheLog(@ForAll("ops") @Size(max = 25) List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("leader-epoch-property");
        try {
            LeaderEpochCache cache = LeaderEpochCache.load(dir);
            Log log = new Log();
            for (Op op : ops) {
                apply(op, log, cache);
                assertAgrees(log, cache);
            }
            assertEquals(cache.entries(), LeaderEpochCache.load(dir).entries(), "reloaded");
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void apply(Op op, Log log, LeaderEpochCache cache) {
        if (op instanceof Append append) {
            int latest = log.epochs.isEmpty() ? -1 : log.epochs.get(log.epochs.size() - 1);
            int epoch = Math.max(0, latest + append.epochIncrease());
            cache.assign(epoch, log.logEnd());
            for (int i = 0; i < append.records(); i++) {
                log.epochs.add(epoch);
            }
        } else if (op instanceof TruncateFromEnd t) {
            long end = log.logStart + (log.epochs.size() * (long) t.percent()) / 100;
            log.epochs.subList((int) (end - log.logStart), log.epochs.size()).clear();
            cache.truncateFromEnd(end);
        } else if (op instanceof TruncateFromStart t && !log.epochs.isEmpty()) {
            // Retention never moves the start past the last record here: the cache would keep the
            // latest epoch at the log end, which records cannot show.
            long start = log.logStart + ((log.epochs.size() - 1) * (long) t.percent()) / 100;
            log.epochs.subList(0, (int) (start - log.logStart)).clear();
            log.logStart = start;
            cache.truncateFromStart(start);
        }
    }

    private static void assertAgrees(Log log, LeaderEpochCache cache) {
        List<EpochEntry> expected = log.expectedEntries();
        assertEquals(expected, cache.entries());
        for (long offset = log.logStart; offset < log.logEnd(); offset++) {
            assertEquals(OptionalInt.of(log.epochAt(offset)), cache.epochForOffset(offset), "epoch of offset " + offset);
        }
        int maxEpoch = expected.isEmpty() ? 0 : expected.get(expected.size() - 1).epoch();
        for (int requested = -1; requested <= maxEpoch + 1; requested++) {
            assertEquals(expectedEndOffset(log, requested), cache.endOffsetFor(requested, log.logEnd()), "epoch " + requested);
        }
    }

    /** Kafka's OffsetForLeaderEpoch answer, computed from the records themselves. */
    private static EpochEndOffset expectedEndOffset(Log log, int requested) {
        int latest = -1;
        int best = -1;
        for (int epoch : log.epochs) {
            latest = Math.max(latest, epoch);
            if (epoch <= requested) {
                best = Math.max(best, epoch);
            }
        }
        if (requested < 0 || latest < 0 || requested > latest) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requested == latest) {
            return new EpochEndOffset(latest, log.logEnd());
        }
        for (long offset = log.logStart; offset < log.logEnd(); offset++) {
            if (log.epochAt(offset) > requested) {
                return new EpochEndOffset(best < 0 ? requested : best, offset);
            }
        }
        throw new AssertionError("an epoch above " + requested + " must exist below the log end");
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 4))
            .as(Append::new);
        Arbitrary<Op> fromEnd = Arbitraries.integers().between(0, 100).map(TruncateFromEnd::new);
        Arbitrary<Op> fromStart = Arbitraries.integers().between(0, 100).map(TruncateFromStart::new);
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, append), net.jqwik.api.Tuple.of(1, fromEnd), net.jqwik.api.Tuple.of(1, fromStart)
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
