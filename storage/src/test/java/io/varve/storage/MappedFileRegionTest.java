package io.varve.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileRegionTest {

    @TempDir
    Path dir;

    @Test
    void writableMappingGrowsTheFileToItsCapacityAndTrimsItOnlyAfterUnmapping() throws IOException {
        Path file = dir.resolve("segment.log");
        MappedFileRegion region = MappedFileRegion.open(file, 1 << 20, false);
        assertEquals(1 << 20, Files.size(file));
        region.buffer().putLong(0, 42L);
        region.buffer().putLong(4096, 7L);
        region.force(4104);

        region.closeAndTrim(4104);

        assertEquals(4104, Files.size(file));
        try (MappedFileRegion readOnly = MappedFileRegion.open(file, 4104, true)) {
            assertTrue(readOnly.isReadOnly());
            assertEquals(42L, readOnly.buffer().getLong(0));
            assertEquals(7L, readOnly.buffer().getLong(4096));
        }
    }

    @Test
    void writesThroughTheMappingAreVisibleToPlainFileReads() throws IOException {
        Path file = dir.resolve("visible.log");
        try (MappedFileRegion region = MappedFileRegion.open(file, 4096, false)) {
            region.buffer().putByte(10, (byte) 99);
            assertEquals(99, Files.readAllBytes(file)[10]);
        }
    }

    @Test
    void readOnlyMappingNeedsAFileAtLeastThatLong() throws IOException {
        Path file = dir.resolve("short.log");
        Files.write(file, new byte[100]);
        assertThrows(IOException.class, () -> MappedFileRegion.open(file, 4096, true));
        assertThrows(IllegalArgumentException.class, () -> MappedFileRegion.open(file, 0, false));
    }

    @Test
    void trimAfterTheFileWasRenamedAwayDoesNotRecreateIt() throws IOException {
        Path file = dir.resolve("moved.log");
        MappedFileRegion region = MappedFileRegion.open(file, 4096, false);
        Files.move(file, dir.resolve("moved.log.deleted"));

        region.closeAndTrim(0);

        assertFalse(Files.exists(file));
        assertEquals(4096, Files.size(dir.resolve("moved.log.deleted")));
    }

    @Test
    void closeUnmapsAtOnceEvenAFileRenamedAway() throws IOException {
        assumeTrue(MappedResidency.available(), "needs /proc/self/maps");
        Path file = dir.resolve("unmapped.log");
        MappedFileRegion region = MappedFileRegion.open(file, 1 << 20, false);
        Path renamed = dir.resolve("unmapped.log.deleted");
        Files.move(file, renamed);
        assertTrue(MappedResidency.isMapped(renamed));

        region.close();

        assertFalse(MappedResidency.isMapped(renamed), "a closed region keeps no mapping until a GC finds it");
        Files.delete(renamed);
        assertFalse(MappedResidency.isMapped(renamed));
    }

    @Test
    void cutShortensAFileWithoutGrowingOneAndIgnoresAFileThatIsGone() throws IOException {
        Path file = dir.resolve("cut.log");
        Files.write(file, new byte[100]);
        assertEquals(60, MappedFileRegion.cut(file, 40, true));
        assertEquals(40, Files.size(file));
        assertEquals(0, MappedFileRegion.cut(file, 80, false));
        assertEquals(40, Files.size(file), "never grown");
        assertEquals(0, MappedFileRegion.cut(dir.resolve("absent.log"), 0, true));
        assertFalse(Files.exists(dir.resolve("absent.log")), "never created");
    }

    @Test
    void closeIsIdempotent() throws IOException {
        MappedFileRegion region = MappedFileRegion.open(dir.resolve("twice.log"), 4096, false);
        region.close();
        region.close();
        assertEquals(4096, region.capacity());
    }
}
