package io.varve.storage.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or log-directory metadata file exists but cannot be trusted: wrong version, an entry
 * count that does not match the entries, a malformed line or value. The message names the file and,
 * where there is one, the line. Callers treat the file as corrupt (and the directory as failed, or
 * recover without it); nothing is guessed around.
 */
public final class CorruptCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Used as {@link #lineNumber()} when the problem is not on one line. */
    public static final int NO_LINE = 0;

    private final transient Path file;
    private final int lineNumber;

    public CorruptCheckpointException(Path file, int lineNumber, String reason, Throwable cause) {
        super(message(file, lineNumber, reason), cause);
        this.file = file;
        this.lineNumber = lineNumber;
    }

    public CorruptCheckpointException(Path file, int lineNumber, String reason) {
        this(file, lineNumber, reason, null);
    }

    /** The corrupt file. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or {@link #NO_LINE}. */
    public int lineNumber() {
        return lineNumber;
    }

    private static String message(Path file, int lineNumber, String reason) {
        return "Corrupt file " + file + (lineNumber > NO_LINE ? " at line " + lineNumber : "") + ": " + reason;
    }
}
