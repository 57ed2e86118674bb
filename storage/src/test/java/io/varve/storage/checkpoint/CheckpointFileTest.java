package io.varve.storage.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {

    /** Entries are non-negative longs, one a line. */
    static final CheckpointFile.Formatter<Long> LONGS = new CheckpointFile.Formatter<>() {
        @Override
        public String toLine(Long entry) {
            return Long.toString(entry);
        }

        @Override
        public Long fromLine(String line) {
            return Fields.nonNegativeLong(line, "value");
        }
    };

    @TempDir
    Path dir;

    private CheckpointFile<Long> checkpoint() {
        return new CheckpointFile<>(dir.resolve("cp"), 3, LONGS);
    }

    private void writeRaw(String content) throws IOException {
        Files.writeString(dir.resolve("cp"), content, UTF_8);
    }

    private CorruptCheckpointException corrupt(String content) throws IOException {
        writeRaw(content);
        return assertThrows(CorruptCheckpointException.class, () -> checkpoint().read());
    }

    @Test
    void writesKafkasFormatAndReadsItBack() throws IOException {
        CheckpointFile<Long> cp = checkpoint();
        cp.write(List.of(5L, 0L, 42L));

        assertEquals("3\n3\n5\n0\n42\n", Files.readString(cp.file()));
        assertEquals(List.of(5L, 0L, 42L), cp.read());
    }

    @Test
    void emptyListRoundTrips() throws IOException {
        CheckpointFile<Long> cp = checkpoint();
        cp.write(List.of());

        assertEquals("3\n0\n", Files.readString(cp.file()));
        assertEquals(List.of(), cp.read());
    }

    @Test
    void missingFileReadsAsEmpty() throws IOException {
        assertEquals(List.of(), checkpoint().read());
    }

    @Test
    void rewriteReplacesTheContentAndLeavesNoTemporaryFile() throws IOException {
        CheckpointFile<Long> cp = checkpoint();
        cp.write(List.of(1L, 2L));
        cp.write(List.of(3L));

        assertEquals(List.of(3L), cp.read());
        assertFalse(Files.exists(AtomicFiles.tmpFileFor(cp.file())));
    }

    @Test
    void staleTemporaryFileFromACrashIsOverwritten() throws IOException {
        CheckpointFile<Long> cp = checkpoint();
        Files.writeString(AtomicFiles.tmpFileFor(cp.file()), "half-written garbage that is longer than the new file");

        cp.write(List.of(7L));

        assertEquals(List.of(7L), cp.read());
    }

    @Test
    void failedTemporaryWriteLeavesTheOldFileIntact() throws IOException {
        CheckpointFile<Long> cp = checkpoint();
        cp.write(List.of(1L, 2L));
        Path tmp = AtomicFiles.tmpFileFor(cp.file());
        Files.createDirectory(tmp);
        Files.writeString(tmp.resolve("occupant"), "x"); // a directory where the tmp file should go

        assertThrows(IOException.class, () -> cp.write(List.of(9L)));

        assertEquals(List.of(1L, 2L), cp.read());
        assertTrue(Files.isDirectory(tmp), "only a tmp file we wrote is cleaned up");
    }

    @Test
    void formatterFailingMidWriteLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
        CheckpointFile<Long> cp = checkpoint();
        cp.write(List.of(1L, 2L));
        CheckpointFile<Long> failing = new CheckpointFile<>(cp.file(), 3, new CheckpointFile.Formatter<>() {
            @Override
            public String toLine(Long entry) {
                if (entry == 99L) {
                    throw new IllegalStateException("boom");
                }
                return entry.toString();
            }

            @Override
            public Long fromLine(String line) {
                return Long.parseLong(line);
            }
        });

        assertThrows(IllegalStateException.class, () -> failing.write(List.of(5L, 6L, 99L, 7L)));

        assertEquals(List.of(1L, 2L), cp.read());
        assertFalse(Files.exists(AtomicFiles.tmpFileFor(cp.file())));
    }

    @Test
    void lineWithATerminatorIsRefusedOnWrite() throws IOException {
        CheckpointFile<String> cp = new CheckpointFile<>(dir.resolve("s"), 0, new CheckpointFile.Formatter<>() {
            @Override
            public String toLine(String entry) {
                return entry;
            }

            @Override
            public String fromLine(String line) {
                return line;
            }
        });
        assertThrows(IllegalArgumentException.class, () -> cp.write(List.of("a\nb")));
        assertFalse(Files.exists(cp.file()));
    }

    @Test
    void wrongVersionIsCorruptAtLineOne() throws IOException {
        CorruptCheckpointException e = corrupt("4\n1\n5\n");
        assertEquals(1, e.lineNumber());
        assertTrue(e.getMessage().contains(dir.resolve("cp").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("version 4"), e.getMessage());
    }

    @Test
    void malformedHeaderIsCorrupt() throws IOException {
        assertEquals(1, corrupt("three\n1\n5\n").lineNumber());
        assertEquals(2, corrupt("3\n1x\n5\n").lineNumber());
        assertEquals(2, corrupt("3\n-1\n").lineNumber());
        assertEquals(1, corrupt("").lineNumber());
        assertEquals(2, corrupt("3\n").lineNumber());
    }

    @Test
    void countHigherThanTheEntriesIsCorrupt() throws IOException {
        CorruptCheckpointException e = corrupt("3\n3\n5\n6\n");
        assertEquals(5, e.lineNumber());
        assertTrue(e.getMessage().contains("expected 3"), e.getMessage());
    }

    @Test
    void countLowerThanTheEntriesIsCorrupt() throws IOException {
        assertEquals(4, corrupt("3\n1\n5\n6\n").lineNumber());
        assertEquals(4, corrupt("3\n1\n5\n\n").lineNumber(), "a trailing blank line is an extra entry");
    }

    @Test
    void malformedEntryIsCorruptAtItsLine() throws IOException {
        CorruptCheckpointException e = corrupt("3\n3\n5\nsix\n7\n");
        assertEquals(4, e.lineNumber());
        assertTrue(e.getMessage().contains("six"), e.getMessage());
        assertEquals(4, corrupt("3\n2\n5\n-6\n").lineNumber());
        assertEquals(3, corrupt("3\n1\n 5\n").lineNumber());
    }

    @Test
    void hugeCountAllocatesNothingAndFailsAtEndOfFile() throws IOException {
        writeRaw("3\n2147483647\n5\n");
        CorruptCheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertThrows(CorruptCheckpointException.class, () -> checkpoint().read()));
        assertEquals(4, e.lineNumber());
    }

    @Test
    void invalidUtf8IsCorrupt() throws IOException {
        Files.write(dir.resolve("cp"), new byte[] {'3', '\n', '1', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThrows(CorruptCheckpointException.class, () -> checkpoint().read());
    }
}
