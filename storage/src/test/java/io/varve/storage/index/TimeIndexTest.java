package io.varve.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {

    private static final long BASE = 5_000;
    private static final int MAX_BYTES = 12 * 6 + 11; // rounds down to 6 entries
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private Path file;
    private TimeIndex index;

    @BeforeEach
    void open() throws IOException {
        file = LogFileNames.timeIndexFile(dir, BASE);
        index = TimeIndex.open(file, BASE, MAX_BYTES, true);
    }

    @AfterEach
    void close() {
        index.close();
    }

    /** Entries (T0 + 100i, BASE + 10i) for i in 1..count. */
    private void appendEntries(TimeIndex target, int count) {
        for (int i = 1; i <= count; i++) {
            target.maybeAppend(T0 + 100L * i, BASE + 10L * i);
        }
    }

    private static TimestampOffset entry(int i) {
        return new TimestampOffset(T0 + 100L * i, BASE + 10L * i);
    }

    @Test
    void anEmptyIndexAnswersNoTimestampAtTheBaseOffset() {
        assertEquals(6, index.maxEntries());
        assertEquals(new TimestampOffset(-1, BASE), index.lastEntry());
        assertEquals(new TimestampOffset(-1, BASE), index.lookup(T0));
        assertFalse(index.isCorrupt());
    }

    @Test
    void lookupFindsTheLargestTimestampAtMostTheTarget() {
        appendEntries(index, 4);
        assertEquals(new TimestampOffset(-1, BASE), index.lookup(T0 + 99), "before the first entry");
        assertEquals(entry(1), index.lookup(T0 + 100), "exactly the first");
        assertEquals(entry(2), index.lookup(T0 + 250), "between two entries");
        assertEquals(entry(4), index.lookup(T0 + 400), "exactly the last");
        assertEquals(entry(4), index.lookup(Long.MAX_VALUE), "after the last");
        assertEquals(new TimestampOffset(-1, BASE), index.lookup(Long.MIN_VALUE));
        assertEquals(entry(4), index.lastEntry());
        assertEquals(entry(3), index.entry(2));
    }

    @Test
    void maybeAppendAddsOnlyLaterTimestampsAtLaterOffsets() {
        index.maybeAppend(T0, BASE + 10);
        index.maybeAppend(T0, BASE + 20);
        index.maybeAppend(T0 - 1, BASE + 30);
        index.maybeAppend(T0 + 1, BASE + 10);
        assertEquals(1, index.entries(), "no later timestamp at a later offset");
        index.maybeAppend(T0 + 1, BASE + 11);
        assertEquals(2, index.entries());
        assertThrows(IllegalStateException.class, () -> index.maybeAppend(T0 + 2, BASE + 5), "offset goes back");
        assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(T0 + 2, BASE - 1));
        assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(T0 + 2, BASE + Integer.MAX_VALUE + 1L));
    }

    @Test
    void timestampsOfZeroOrLessAreNeverIndexed() {
        index.maybeAppend(0, BASE);
        index.maybeAppend(-1, BASE + 1);
        assertEquals(0, index.entries());
        index.maybeAppend(1, BASE);
        assertEquals(new TimestampOffset(1, BASE), index.lastEntry());
    }

    @Test
    void aFullIndexRefusesOnlyAnAppendItWouldMake() {
        appendEntries(index, 6);
        assertTrue(index.isFull());
        index.maybeAppend(T0 + 600, BASE + 70); // not a later timestamp: nothing to add
        assertThrows(IllegalStateException.class, () -> index.maybeAppend(T0 + 700, BASE + 70));
    }

    @Test
    void truncateToAndResetRemoveEntries() {
        appendEntries(index, 5);
        index.truncateTo(BASE + 31);
        assertEquals(entry(3), index.lastEntry());
        index.truncateTo(BASE + 30);
        assertEquals(entry(2), index.lastEntry());
        index.maybeAppend(T0 + 250, BASE + 25);
        assertEquals(new TimestampOffset(T0 + 250, BASE + 25), index.lookup(T0 + 1_000));
        index.reset();
        assertEquals(0, index.entries());
        assertEquals(new TimestampOffset(-1, BASE), index.lastEntry());
        assertFalse(index.isCorrupt());
    }

    @Test
    void closeTrimsTheFileAndReopeningGivesTheSameEntries() throws IOException {
        appendEntries(index, 3);
        index.flush();
        index.close();
        assertEquals(36, Files.size(file));
        try (TimeIndex readOnly = TimeIndex.open(file, BASE, MAX_BYTES, false)) {
            assertEquals(3, readOnly.entries());
            assertEquals(entry(2), readOnly.lookup(T0 + 299));
            assertFalse(readOnly.isCorrupt());
            assertThrows(IllegalStateException.class, () -> readOnly.maybeAppend(T0 + 400, BASE + 40));
        }
        index = TimeIndex.open(file, BASE, MAX_BYTES, true);
        assertEquals(3, index.entries());
        assertEquals(6, index.maxEntries());
        index.maybeAppend(T0 + 400, BASE + 40);
        assertEquals(entry(4), index.lastEntry());
    }

    @Test
    void aCrashLeftFileIsNotCorruptAndKeepsItsEntries() throws IOException {
        appendEntries(index, 2);
        Path crashed = dir.resolve("crashed.timeindex");
        Files.copy(file, crashed); // untrimmed: whole pages, which are not whole 12-byte entries
        assertTrue(Files.size(crashed) % TimeIndex.ENTRY_SIZE != 0);
        try (TimeIndex reopened = TimeIndex.open(crashed, BASE, MAX_BYTES, false)) {
            assertEquals(2, reopened.entries());
            assertFalse(reopened.isCorrupt(), () -> reopened.corruption().orElseThrow());
        }
        try (TimeIndex reopened = TimeIndex.open(crashed, BASE, MAX_BYTES, true)) {
            assertEquals(entry(2), reopened.lastEntry());
            assertFalse(reopened.isCorrupt());
        }
    }

    @Test
    void anEmptyFileOpensReadOnlyWithNoEntries() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.timeindex"));
        try (TimeIndex readOnly = TimeIndex.open(empty, BASE, MAX_BYTES, false)) {
            assertEquals(0, readOnly.entries());
            assertEquals(new TimestampOffset(-1, BASE), readOnly.lookup(T0));
            assertFalse(readOnly.isCorrupt());
        }
    }

    @Test
    void aPartialEntryOrAnEntryOutOfOrderIsCorrupt() throws IOException {
        Path partial = dir.resolve("partial.timeindex");
        Files.write(partial, entries(new long[] {T0, 1, T0 + 1, 2}, 5));
        try (TimeIndex readOnly = TimeIndex.open(partial, BASE, MAX_BYTES, false)) {
            assertEquals(2, readOnly.entries());
            assertTrue(readOnly.isCorrupt());
        }
        Path outOfOrder = dir.resolve("out-of-order.timeindex");
        Files.write(outOfOrder, entries(new long[] {T0, 1, T0 + 5, 2, T0 + 3, 3}, 0));
        try (TimeIndex readOnly = TimeIndex.open(outOfOrder, BASE, MAX_BYTES, false)) {
            assertEquals(3, readOnly.entries(), "counted from the length, not read");
            assertTrue(readOnly.isCorrupt(), "the last entry is not after the one before");
        }
        Path negative = dir.resolve("negative.timeindex");
        Files.write(negative, entries(new long[] {T0, -3}, 0));
        try (TimeIndex readOnly = TimeIndex.open(negative, BASE, MAX_BYTES, false)) {
            assertTrue(readOnly.isCorrupt(), "the first entry has a negative offset");
        }
    }

    @Test
    void closeAndDeleteRemovesTheFile() throws IOException {
        appendEntries(index, 1);
        index.closeAndDelete();
        assertFalse(Files.exists(file));
        index.close(); // still idempotent
    }

    /** Pairs of (timestamp int64, relative offset int32), big-endian, then {@code extraBytes} zeros. */
    private static byte[] entries(long[] pairs, int extraBytes) {
        ByteBuffer bytes = ByteBuffer.allocate(pairs.length / 2 * TimeIndex.ENTRY_SIZE + extraBytes);
        for (int i = 0; i < pairs.length; i += 2) {
            bytes.putLong(pairs[i]).putInt((int) pairs[i + 1]);
        }
        return bytes.array();
    }
}
