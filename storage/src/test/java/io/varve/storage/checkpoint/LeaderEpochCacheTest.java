package io.varve.storage.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader-epoch cache as Kafka's OffsetForLeaderEpoch and log truncation use it (DESIGN §6). */
class LeaderEpochCacheTest {

    @TempDir
    Path partitionDir;

    private LeaderEpochCache load() throws IOException {
        return LeaderEpochCache.load(partitionDir);
    }

    /** Epoch 1 from 0, epoch 3 from 10, epoch 5 from 20. */
    private LeaderEpochCache threeEpochs() throws IOException {
        LeaderEpochCache cache = load();
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);
        return cache;
    }

    private static List<EpochEntry> entries(long... epochAndStart) {
        List<EpochEntry> list = new java.util.ArrayList<>();
        for (int i = 0; i < epochAndStart.length; i += 2) {
            list.add(new EpochEntry((int) epochAndStart[i], epochAndStart[i + 1]));
        }
        return list;
    }

    @Test
    void newCacheIsEmptyAndWritesNothing() throws IOException {
        LeaderEpochCache cache = load();

        assertEquals(List.of(), cache.entries());
        assertEquals(OptionalInt.empty(), cache.latestEpoch());
        assertEquals(OptionalInt.empty(), cache.epochForOffset(0));
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(0, 100));
        assertFalse(Files.exists(partitionDir.resolve(LeaderEpochCache.FILE_NAME)));
    }

    @Test
    void assignAppendsNewEpochsAndPersistsInKafkasFormat() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        assertEquals(entries(1, 0, 3, 10, 5, 20), cache.entries());
        assertEquals(OptionalInt.of(5), cache.latestEpoch());
        assertEquals("0\n3\n1 0\n3 10\n5 20\n", Files.readString(partitionDir.resolve("leader-epoch-checkpoint")));
    }

    @Test
    void assignIgnoresEpochsAtOrBelowTheLatest() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        cache.assign(5, 25);  // every batch of the current epoch carries it
        cache.assign(4, 30);  // a stale epoch
        cache.assign(0, 1);

        assertEquals(entries(1, 0, 3, 10, 5, 20), cache.entries());
    }

    @Test
    void assignBelowTheLatestStartIsAProgrammerError() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        assertThrows(IllegalStateException.class, () -> cache.assign(6, 19));
        assertEquals(entries(1, 0, 3, 10, 5, 20), cache.entries());
    }

    @Test
    void newerEpochAtTheSameStartReplacesTheEmptyOlderOne() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        cache.assign(7, 20);

        assertEquals(entries(1, 0, 3, 10, 7, 20), cache.entries());
    }

    @Test
    void negativeEpochOrOffsetIsRefused() throws IOException {
        LeaderEpochCache cache = load();
        assertThrows(IllegalArgumentException.class, () -> cache.assign(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> cache.assign(0, -1));
    }

    @Test
    void epochForOffsetFindsTheRangeHoldingIt() throws IOException {
        LeaderEpochCache cache = load();
        cache.assign(3, 10);
        cache.assign(5, 20);

        assertEquals(OptionalInt.empty(), cache.epochForOffset(9));
        assertEquals(OptionalInt.of(3), cache.epochForOffset(10));
        assertEquals(OptionalInt.of(3), cache.epochForOffset(19));
        assertEquals(OptionalInt.of(5), cache.epochForOffset(20));
        assertEquals(OptionalInt.of(5), cache.epochForOffset(1_000));
    }

    @Test
    void endOffsetForAnEpochBelowTheFirstIsTheFirstStartAsInKafka() throws IOException {
        LeaderEpochCache cache = load();
        cache.assign(3, 10);
        cache.assign(4, 30);

        assertEquals(new EpochEndOffset(2, 10), cache.endOffsetFor(2, 50));
        assertEquals(new EpochEndOffset(0, 10), cache.endOffsetFor(0, 50));
        assertEquals(EpochEndOffset.UNDEFINED, cache.endOffsetFor(-1, 50));
    }

    @Test
    void endOffsetForAKnownEpochIsTheNextEpochsStart() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        assertEquals(new EpochEndOffset(1, 10), cache.endOffsetFor(1, 50));
        assertEquals(new EpochEndOffset(3, 20), cache.endOffsetFor(3, 50));
    }

    @Test
    void endOffsetForAnUnknownEpochInTheMiddleIsTheLargestEpochBelowIt() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        // A follower that led in epoch 2 or 4 diverged where epoch 3 or 5 began.
        assertEquals(new EpochEndOffset(1, 10), cache.endOffsetFor(2, 50));
        assertEquals(new EpochEndOffset(3, 20), cache.endOffsetFor(4, 50));
    }

    @Test
    void endOffsetForTheLatestEpochIsTheLogEndAndAboveItUndefined() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        assertEquals(new EpochEndOffset(5, 50), cache.endOffsetFor(5, 50));
        assertTrue(cache.endOffsetFor(9, 50).isUndefined());
    }

    @Test
    void truncateFromEndRemovesEpochsStartingAtOrAfterTheNewEnd() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        cache.truncateFromEnd(25);
        assertEquals(entries(1, 0, 3, 10, 5, 20), cache.entries(), "nothing starts at or after 25");

        cache.truncateFromEnd(20);
        assertEquals(entries(1, 0, 3, 10), cache.entries());

        cache.truncateFromEnd(11);
        assertEquals(entries(1, 0, 3, 10), cache.entries());

        cache.truncateFromEnd(0);
        assertEquals(List.of(), cache.entries());
        assertEquals(List.of(), load().entries(), "persisted");
    }

    @Test
    void truncateFromStartDropsWholeRangesAndMovesTheCoveringOne() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        cache.truncateFromStart(0);
        assertEquals(entries(1, 0, 3, 10, 5, 20), cache.entries());

        cache.truncateFromStart(10);
        assertEquals(entries(3, 10, 5, 20), cache.entries());

        cache.truncateFromStart(15);
        assertEquals(entries(3, 15, 5, 20), cache.entries());

        cache.truncateFromStart(30);
        assertEquals(entries(5, 30), cache.entries());
        assertEquals(entries(5, 30), load().entries(), "persisted");
    }

    @Test
    void truncateFromStartBelowTheFirstEntryChangesNothing() throws IOException {
        LeaderEpochCache cache = load();
        cache.assign(3, 10);

        cache.truncateFromStart(5);

        assertEquals(entries(3, 10), cache.entries());
    }

    @Test
    void clearEmptiesAndPersists() throws IOException {
        LeaderEpochCache cache = threeEpochs();

        cache.clear();

        assertEquals(List.of(), cache.entries());
        assertEquals(OptionalInt.empty(), cache.latestEpoch());
        assertEquals("0\n0\n", Files.readString(cache.file()));
    }

    @Test
    void entriesSurviveAReload() throws IOException {
        threeEpochs().truncateFromStart(12);

        LeaderEpochCache reloaded = load();

        assertEquals(entries(3, 12, 5, 20), reloaded.entries());
        reloaded.assign(6, 40);
        assertEquals(entries(3, 12, 5, 20, 6, 40), load().entries());
    }

    @Test
    void flushRecreatesALostFile() throws IOException {
        LeaderEpochCache cache = threeEpochs();
        Files.delete(cache.file());

        cache.flush();

        assertEquals(entries(1, 0, 3, 10, 5, 20), load().entries());
    }

    @Test
    void failedPersistIsUncheckedAndLeavesTheEntriesUnchanged() throws IOException {
        LeaderEpochCache cache = threeEpochs();
        Path tmp = AtomicFiles.tmpFileFor(cache.file());
        Files.createDirectory(tmp);
        Files.writeString(tmp.resolve("occupant"), "x");

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> cache.assign(6, 30));

        assertTrue(e.getMessage().contains(LeaderEpochCache.FILE_NAME), e.getMessage());
        assertEquals(entries(1, 0, 3, 10, 5, 20), cache.entries());
        assertEquals(entries(1, 0, 3, 10, 5, 20), load().entries());
    }

    @Test
    void fileWhoseEntriesDoNotIncreaseIsCorrupt() throws IOException {
        assertCorruptAt("0\n2\n3 10\n3 20\n", 4);
        assertCorruptAt("0\n2\n3 10\n4 10\n", 4);
        assertCorruptAt("0\n2\n3 10\n2 20\n", 4);
        assertCorruptAt("0\n1\n3\n", 3);
        assertCorruptAt("0\n1\n-3 10\n", 3);
        assertCorruptAt("1\n0\n", 1);
    }

    private void assertCorruptAt(String content, int line) throws IOException {
        Files.writeString(partitionDir.resolve(LeaderEpochCache.FILE_NAME), content);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, this::load);
        assertEquals(line, e.lineNumber(), e.getMessage());
    }
}
