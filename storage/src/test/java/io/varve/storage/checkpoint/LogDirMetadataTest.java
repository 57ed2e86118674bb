package io.varve.storage.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDirMetadataTest {

    private static final String DIR_ID = "AAAAAAAAAAEAAAAAAAAAAQ";

    @TempDir
    Path logDir;

    @Test
    void roundTripsWithEveryField() throws IOException {
        LogDirMetadata meta = LogDirMetadata.create(new Random(42), OptionalInt.of(3), Optional.of("MkU3OEVBNTcwNTJENDM2Qg"));

        meta.write(logDir);

        assertEquals(Optional.of(meta), LogDirMetadata.read(logDir));
        String text = Files.readString(logDir.resolve("meta.properties"));
        assertTrue(text.contains("version=1\n"), text);
        assertTrue(text.contains("directory.id=" + meta.directoryId() + "\n"), text);
        assertTrue(text.contains("node.id=3\n"), text);
        assertTrue(text.contains("cluster.id=MkU3OEVBNTcwNTJENDM2Qg\n"), text);
    }

    @Test
    void roundTripsWithOnlyTheDirectoryId() throws IOException {
        LogDirMetadata meta = new LogDirMetadata(DIR_ID, OptionalInt.empty(), Optional.empty());
        meta.write(logDir);
        assertEquals(Optional.of(meta), LogDirMetadata.read(logDir));
    }

    @Test
    void missingFileReadsAsEmpty() throws IOException {
        assertEquals(Optional.empty(), LogDirMetadata.read(logDir));
    }

    @Test
    void directoryIdsAreKafkaStyleAndDrawnFromTheGivenRandom() {
        String id = LogDirMetadata.randomDirectoryId(new Random(7));
        assertEquals(22, id.length());
        assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
        assertEquals(id, LogDirMetadata.randomDirectoryId(new Random(7)), "a seed replays");
        assertNotEquals(id, LogDirMetadata.randomDirectoryId(new Random(8)));
    }

    @Test
    void readsFilesWrittenByHandAndIgnoresUnknownKeys() throws IOException {
        write("# comment\nversion = 1\ndirectory.id=" + DIR_ID + "\nnode.id=0\nsome.future.key=x\n");
        assertEquals(Optional.of(new LogDirMetadata(DIR_ID, OptionalInt.of(0), Optional.empty())), LogDirMetadata.read(logDir));
    }

    @Test
    void malformedFilesAreCorrupt() throws IOException {
        assertCorrupt("directory.id=" + DIR_ID + "\n", "no version");
        assertCorrupt("version=0\ndirectory.id=" + DIR_ID + "\n", "version");
        assertCorrupt("version=x\ndirectory.id=" + DIR_ID + "\n", "version");
        assertCorrupt("version=1\n", "no directory.id");
        assertCorrupt("version=1\ndirectory.id=short\n", "directory.id");
        assertCorrupt("version=1\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAA\n", "directory.id");
        assertCorrupt("version=1\ndirectory.id=" + DIR_ID + "\nnode.id=one\n", "node.id");
        assertCorrupt("version=1\ndirectory.id=" + DIR_ID + "\nnode.id=-2\n", "node.id");
        assertCorrupt("version=1\ndirectory.id=" + DIR_ID + "\ncluster.id=a b\n", "cluster.id");
        assertCorrupt("version=1\ndirectory.id=" + DIR_ID + "\ncluster.id=\n", "cluster.id");
        assertCorrupt("version=1\ndirectory.id=\\u00zz\n", "properties");
    }

    @Test
    void oversizedFileIsCorruptWithoutBeingRead() throws IOException {
        write("#" + "x".repeat((int) LogDirMetadata.MAX_FILE_BYTES) + "\n");
        assertCorrupt(null, "bytes");
    }

    @Test
    void constructorRefusesInvalidIds() {
        assertThrows(IllegalArgumentException.class, () -> new LogDirMetadata("nope", OptionalInt.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new LogDirMetadata(DIR_ID, OptionalInt.of(-1), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new LogDirMetadata(DIR_ID, OptionalInt.empty(), Optional.of("x\ny")));
    }

    private void write(String content) throws IOException {
        Files.writeString(logDir.resolve(LogDirMetadata.FILE_NAME), content);
    }

    private void assertCorrupt(String content, String messagePart) throws IOException {
        if (content != null) {
            write(content);
        }
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> LogDirMetadata.read(logDir));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertTrue(e.getMessage().contains(LogDirMetadata.FILE_NAME), e.getMessage());
    }
}
