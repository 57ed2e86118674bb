package io.varve.storage.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanShutdownMarkerTest {

    @TempDir
    Path logDir;

    @Test
    void lifecycleOfAStartAndACleanShutdown() throws IOException {
        assertFalse(CleanShutdownMarker.exists(logDir), "a fresh directory was never shut down cleanly");

        CleanShutdownMarker.write(logDir);
        assertTrue(CleanShutdownMarker.exists(logDir));
        assertTrue(Files.isRegularFile(logDir.resolve(".varve_cleanshutdown")));

        assertTrue(CleanShutdownMarker.delete(logDir));
        assertFalse(CleanShutdownMarker.exists(logDir));
        assertFalse(CleanShutdownMarker.delete(logDir), "deleting twice is harmless");
    }

    @Test
    void writingTwiceIsHarmless() throws IOException {
        CleanShutdownMarker.write(logDir);
        CleanShutdownMarker.write(logDir);
        assertTrue(CleanShutdownMarker.exists(logDir));
    }

    @Test
    void aDirectoryOfThatNameIsNoMarker() throws IOException {
        Files.createDirectory(logDir.resolve(CleanShutdownMarker.FILE_NAME));
        assertFalse(CleanShutdownMarker.exists(logDir));
    }
}
