package io.varve.storage.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The per-log-directory {@value #FILE_NAME} file: present only after a clean shutdown, so that the
 * next start can skip recovery. Startup reads it with {@link #exists}, then {@link #delete}s it
 * before the first write to any log; a clean shutdown {@link #write}s it after every log is flushed
 * and closed.
 *
 * <p>Stateless and thread-safe; one directory's marker should have one owner.
 */
public final class CleanShutdownMarker {

    public static final String FILE_NAME = ".varve_cleanshutdown";

    private CleanShutdownMarker() {
    }

    /** Whether {@code logDir} was shut down cleanly (the marker is a regular file there). */
    public static boolean exists(Path logDir) {
        return Files.isRegularFile(logDir.resolve(FILE_NAME));
    }

    /** Creates the (empty) marker, durably: the file and the directory entry are fsynced. */
    public static void write(Path logDir) throws IOException {
        AtomicFiles.write(logDir.resolve(FILE_NAME), out -> { });
    }

    /**
     * Removes the marker, durably, so that a crash from now on is recovered from.
     *
     * @return whether there was a marker
     */
    public static boolean delete(Path logDir) throws IOException {
        return AtomicFiles.deleteDurably(logDir.resolve(FILE_NAME));
    }
}
