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

class OffsetIndexTest {

    private static final long BASE = 1_000;
    private static final int MAX_BYTES = 8 * 10 + 5; // rounds down to 10 entries

    @TempDir
    Path dir;
    private Path file;
    private OffsetIndex index;

    @BeforeEach
    void open() throws IOException {
        file = LogFileNames.offsetIndexFile(dir, BASE);
        index = OffsetIndex.open(file, BASE, MAX_BYTES, true);
    }

    @AfterEach
    void close() {
        index.close();
    }

    /** Entries (BASE + 10i, 100i) for i in 1..count. */
    private void appendEntries(OffsetIndex target, int count) {
        for (int i = 1; i <= count; i++) {
            target.append(BASE + 10L * i, 100 * i);
        }
    }

    @Test
    void aNewIndexIsPreallocatedToWholeEntriesAndEmpty() throws IOException {
        assertEquals(0, index.entries());
        assertEquals(10, index.maxEntries());
        assertTrue(Files.size(file) >= 80, "preallocated (the mapping rounds it up to whole pages)");
        assertEquals(BASE, index.lastOffset());
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE + 5));
        assertFalse(index.isCorrupt());
    }

    @Test
    void lookupFindsTheLargestOffsetAtMostTheTarget() {
        appendEntries(index, 5);
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE - 1), "below the base offset");
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE + 9), "before the first entry");
        assertEquals(new OffsetPosition(BASE + 10, 100), index.lookup(BASE + 10), "exactly the first");
        assertEquals(new OffsetPosition(BASE + 30, 300), index.lookup(BASE + 30), "exactly a middle one");
        assertEquals(new OffsetPosition(BASE + 30, 300), index.lookup(BASE + 39), "between two entries");
        assertEquals(new OffsetPosition(BASE + 50, 500), index.lookup(BASE + 50), "exactly the last");
        assertEquals(new OffsetPosition(BASE + 50, 500), index.lookup(Long.MAX_VALUE), "after the last");
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(Long.MIN_VALUE));
        assertEquals(BASE + 50, index.lastOffset());
        assertEquals(new OffsetPosition(BASE + 20, 200), index.entry(1));
    }

    @Test
    void appendRefusesEntriesThatAreNotStrictlyAfterTheLast() {
        index.append(BASE + 10, 100);
        assertThrows(IllegalStateException.class, () -> index.append(BASE + 10, 200), "same offset");
        assertThrows(IllegalStateException.class, () -> index.append(BASE + 5, 200), "earlier offset");
        assertThrows(IllegalStateException.class, () -> index.append(BASE + 20, 100), "same position");
        assertThrows(IllegalArgumentException.class, () -> index.append(BASE - 1, 200), "below base");
        assertThrows(IllegalArgumentException.class, () -> index.append(BASE + Integer.MAX_VALUE + 1L, 200));
        assertThrows(IllegalArgumentException.class, () -> index.append(BASE + 20, -1));
        assertEquals(1, index.entries());
        assertTrue(index.canAppendOffset(BASE + Integer.MAX_VALUE));
        assertFalse(index.canAppendOffset(BASE + Integer.MAX_VALUE + 1L));
    }

    @Test
    void aFullIndexRefusesAppends() {
        appendEntries(index, 10);
        assertTrue(index.isFull());
        assertThrows(IllegalStateException.class, () -> index.append(BASE + 1_000, 10_000));
        assertEquals(new OffsetPosition(BASE + 100, 1_000), index.lookup(BASE + 1_000));
    }

    @Test
    void truncateToRemovesEntriesAtOrAfterTheOffset() {
        appendEntries(index, 5);
        index.truncateTo(BASE + 31);
        assertEquals(3, index.entries());
        index.truncateTo(BASE + 30);
        assertEquals(2, index.entries());
        assertEquals(BASE + 20, index.lastOffset());
        index.truncateTo(BASE + 1_000);
        assertEquals(2, index.entries(), "nothing at or after it");
        index.append(BASE + 25, 250);
        assertEquals(new OffsetPosition(BASE + 25, 250), index.lookup(BASE + 40));
        index.truncateTo(BASE);
        assertEquals(0, index.entries());
    }

    @Test
    void truncateToPositionRemovesEntriesAtOrAfterThePosition() {
        appendEntries(index, 5);
        index.truncateToPosition(301);
        assertEquals(3, index.entries());
        index.truncateToPosition(300);
        assertEquals(2, index.entries());
        index.truncateToPosition(0);
        assertEquals(0, index.entries());
    }

    @Test
    void resetRemovesEveryEntryAndZeroesThem() throws IOException {
        appendEntries(index, 5);
        index.reset();
        assertEquals(0, index.entries());
        assertEquals(BASE, index.lastOffset());
        assertFalse(index.isCorrupt());
        index.append(BASE + 1, 1);
        index.close();
        assertEquals(8, Files.size(file));
    }

    @Test
    void closeTrimsTheFileAndReopeningGivesTheSameEntries() throws IOException {
        appendEntries(index, 4);
        index.flush();
        index.close();
        index.close(); // idempotent
        assertEquals(32, Files.size(file));
        try (OffsetIndex readOnly = OffsetIndex.open(file, BASE, MAX_BYTES, false)) {
            assertEquals(4, readOnly.entries());
            assertEquals(4, readOnly.maxEntries());
            assertTrue(readOnly.isFull());
            assertFalse(readOnly.isCorrupt());
            assertEquals(new OffsetPosition(BASE + 30, 300), readOnly.lookup(BASE + 35));
            assertThrows(IllegalStateException.class, () -> readOnly.append(BASE + 50, 500));
        }
        assertEquals(32, Files.size(file), "read-only close does not trim");
        index = OffsetIndex.open(file, BASE, MAX_BYTES, true);
        assertEquals(4, index.entries());
        assertEquals(10, index.maxEntries());
        index.append(BASE + 50, 500);
        assertEquals(new OffsetPosition(BASE + 50, 500), index.lookup(BASE + 99));
    }

    @Test
    void aCrashLeavesAZeroTailThatReadsAsNoMoreEntries() throws IOException {
        appendEntries(index, 3);
        Path crashed = dir.resolve("crashed.index");
        Files.copy(file, crashed); // the preallocated file as a crash leaves it: never trimmed
        assertTrue(Files.size(crashed) >= 80);
        try (OffsetIndex reopened = OffsetIndex.open(crashed, BASE, MAX_BYTES, true)) {
            assertEquals(3, reopened.entries());
            assertFalse(reopened.isCorrupt());
            reopened.append(BASE + 40, 400);
            assertEquals(4, reopened.entries());
        }
    }

    @Test
    void aCrashedEmptyIndexReopensEmpty() throws IOException {
        Path crashed = dir.resolve("empty-crashed.index");
        Files.copy(file, crashed);
        try (OffsetIndex reopened = OffsetIndex.open(crashed, BASE, MAX_BYTES, false)) {
            assertEquals(0, reopened.entries());
            assertFalse(reopened.isCorrupt());
        }
    }

    @Test
    void truncatedEntriesDoNotComeBackAfterACrash() throws IOException {
        appendEntries(index, 9);
        index.truncateTo(BASE + 60);
        index.append(BASE + 55, 550);
        index.append(BASE + 56, 560); // old entries 7.. (80, 800) would follow these if not zeroed
        Path crashed = dir.resolve("crashed.index");
        Files.copy(file, crashed);
        try (OffsetIndex reopened = OffsetIndex.open(crashed, BASE, MAX_BYTES, false)) {
            assertEquals(7, reopened.entries());
            assertEquals(new OffsetPosition(BASE + 56, 560), reopened.lookup(Long.MAX_VALUE));
            assertFalse(reopened.isCorrupt());
        }
    }

    @Test
    void anEntryAtTheBaseOffsetAndPositionZeroIsNotCountedOnReopen() throws IOException {
        index.append(BASE, 0);
        assertEquals(1, index.entries());
        index.close();
        try (OffsetIndex reopened = OffsetIndex.open(file, BASE, MAX_BYTES, false)) {
            assertEquals(0, reopened.entries());
            assertEquals(new OffsetPosition(BASE, 0), reopened.lookup(BASE + 7), "the same answer");
        }
    }

    @Test
    void anEmptyFileOpensReadOnlyWithNoEntries() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.index"));
        try (OffsetIndex readOnly = OffsetIndex.open(empty, BASE, MAX_BYTES, false)) {
            assertEquals(0, readOnly.entries());
            assertEquals(0, readOnly.maxEntries());
            assertEquals(new OffsetPosition(BASE, 0), readOnly.lookup(BASE + 1));
            assertEquals(BASE, readOnly.lastOffset());
            assertFalse(readOnly.isCorrupt());
            readOnly.flush();
        }
        assertThrows(IOException.class, () -> OffsetIndex.open(dir.resolve("absent.index"), BASE, MAX_BYTES, false));
    }

    @Test
    void aLengthThatIsNotWholeEntriesIsCorrupt() throws IOException {
        Path odd = dir.resolve("odd.index");
        Files.write(odd, entries(new int[] {1, 10, 2, 20}, 3));
        try (OffsetIndex readOnly = OffsetIndex.open(odd, BASE, MAX_BYTES, false)) {
            assertEquals(2, readOnly.entries());
            assertTrue(readOnly.isCorrupt());
            assertTrue(readOnly.corruption().orElseThrow().contains("not a multiple"));
        }
    }

    @Test
    void aLastEntryOutOfOrderOrAFirstOneWithANegativeFieldIsCorrupt() throws IOException {
        Path garbage = dir.resolve("garbage.index");
        Files.write(garbage, entries(new int[] {1, 10, 2, 20, 4, 40, 3, 30}, 0));
        try (OffsetIndex readOnly = OffsetIndex.open(garbage, BASE, MAX_BYTES, false)) {
            assertEquals(4, readOnly.entries(), "counted from the length, not read");
            assertTrue(readOnly.isCorrupt());
        }
        Path negative = dir.resolve("negative.index");
        Files.write(negative, entries(new int[] {-5, 10, 2, 20}, 0));
        try (OffsetIndex writable = OffsetIndex.open(negative, BASE, MAX_BYTES, true)) {
            assertTrue(writable.isCorrupt());
        }
    }

    @Test
    void anUntrimmedIndexCountsTheEntriesBeforeItsZeroTailAndIsCutToThem() throws IOException {
        appendEntries(index, 3);
        Path crashed = dir.resolve("untrimmed.index");
        Files.copy(file, crashed); // preallocated to MAX_BYTES, as a crash leaves it
        try (OffsetIndex readOnly = OffsetIndex.open(crashed, BASE, MAX_BYTES, false)) {
            assertEquals(3, readOnly.entries());
            assertTrue(readOnly.isUntrimmed());
            readOnly.closeAndCut();
        }
        assertEquals(3 * OffsetIndex.ENTRY_SIZE, Files.size(crashed));
        try (OffsetIndex reopened = OffsetIndex.open(crashed, BASE, MAX_BYTES, false)) {
            assertEquals(3, reopened.entries());
            assertFalse(reopened.isUntrimmed());
            assertEquals(new OffsetPosition(BASE + 30, 300), reopened.lookup(Long.MAX_VALUE));
        }
    }

    @Test
    void closeAndDeleteRemovesTheFileAndRenameMovesIt() throws IOException {
        appendEntries(index, 2);
        Path renamed = dir.resolve("renamed.index");
        index.renameTo(renamed);
        assertEquals(renamed, index.file());
        index.append(BASE + 30, 300);
        index.close();
        assertFalse(Files.exists(file));
        assertEquals(24, Files.size(renamed));
        index = OffsetIndex.open(renamed, BASE, MAX_BYTES, true);
        index.closeAndDelete();
        assertFalse(Files.exists(renamed));
        assertThrows(IllegalStateException.class, () -> index.lookup(BASE));
    }

    @Test
    void aMaximumSizeBelowOneEntryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> OffsetIndex.open(dir.resolve("tiny.index"), BASE, 7, true));
    }

    /** Big-endian int pairs, then {@code extraBytes} zero bytes. */
    private static byte[] entries(int[] fields, int extraBytes) {
        ByteBuffer bytes = ByteBuffer.allocate(fields.length * Integer.BYTES + extraBytes);
        for (int field : fields) {
            bytes.putInt(field);
        }
        return bytes.array();
    }
}
