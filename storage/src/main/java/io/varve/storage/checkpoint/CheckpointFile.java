package io.varve.storage.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A list of entries kept in Kafka's checkpoint text format:
 *
 * <pre>
 *   line 1   version          decimal int, must equal this file's version
 *   line 2   entry count      decimal int, &ge; 0
 *   line 3.. one entry a line  as the {@link Formatter} writes it; exactly "count" lines
 * </pre>
 *
 * Lines end with {@code \n}; the file is UTF-8.
 *
 * <p>{@link #write(Collection)} is atomic and durable (temporary file, fsync, rename, directory
 * fsync): after a crash the file holds the old entries or the new ones. {@link #read()} is strict: a
 * wrong version, a count that does not match the lines, or a line the formatter rejects is a
 * {@link CorruptCheckpointException} naming the file and the line. The count is never used to size
 * anything: a corrupt count costs no memory.
 *
 * <p>Thread-safe: reads and writes on one instance are serialized. Two instances on the same path
 * are not coordinated; give each file one owner.
 *
 * @param <T> the entry type
 */
public final class CheckpointFile<T> {

    /** Turns an entry into one line and back. */
    public interface Formatter<T> {

        /** The entry as one line, without line terminator; must not contain {@code \n} or {@code \r}. */
        String toLine(T entry);

        /**
         * Parses one line.
         *
         * @throws IllegalArgumentException (including {@link NumberFormatException}) when the line is
         *                                  malformed; the caller reports it as corruption at that line
         */
        T fromLine(String line);
    }

    private final Path file;
    private final int version;
    private final Formatter<T> formatter;
    private final Object lock = new Object();

    public CheckpointFile(Path file, int version, Formatter<T> formatter) {
        this.file = Objects.requireNonNull(file, "file");
        this.version = version;
        this.formatter = Objects.requireNonNull(formatter, "formatter");
    }

    public Path file() {
        return file;
    }

    public int version() {
        return version;
    }

    /**
     * Replaces the file's content with {@code entries}, atomically and durably. On failure the old
     * file is intact and no temporary file is left behind.
     *
     * @throws IOException              when writing, syncing or renaming fails
     * @throws IllegalArgumentException when the formatter produces a line with a line terminator
     */
    public void write(Collection<? extends T> entries) throws IOException {
        synchronized (lock) {
            AtomicFiles.write(file, out -> {
                out.write(Integer.toString(version));
                out.write('\n');
                out.write(Integer.toString(entries.size()));
                out.write('\n');
                for (T entry : entries) {
                    String line = formatter.toLine(entry);
                    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                        throw new IllegalArgumentException("entry formats to more than one line: " + entry);
                    }
                    out.write(line);
                    out.write('\n');
                }
            });
        }
    }

    /**
     * Reads the entries, in file order; a missing file reads as no entries.
     *
     * @throws CorruptCheckpointException when the file is not exactly what {@link #write} produces
     * @throws IOException                when reading fails
     */
    public List<T> read() throws IOException {
        synchronized (lock) {
            BufferedReader reader;
            try {
                reader = Files.newBufferedReader(file, UTF_8);
            } catch (NoSuchFileException e) {
                return List.of();
            }
            try (reader) {
                return parse(reader);
            } catch (CharacterCodingException e) {
                throw new CorruptCheckpointException(file, CorruptCheckpointException.NO_LINE, "not UTF-8 text", e);
            }
        }
    }

    private List<T> parse(BufferedReader reader) throws IOException {
        int fileVersion = parseHeader(reader.readLine(), 1, "version");
        if (fileVersion != version) {
            throw new CorruptCheckpointException(file, 1, "version " + fileVersion + ", expected " + version);
        }
        int count = parseHeader(reader.readLine(), 2, "entry count");
        if (count < 0) {
            throw new CorruptCheckpointException(file, 2, "negative entry count " + count);
        }
        // Grows with the lines actually read, never with the (possibly corrupt) count.
        List<T> entries = new ArrayList<>();
        int lineNumber = 2;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (entries.size() == count) {
                throw new CorruptCheckpointException(file, lineNumber, "more entries than the count " + count);
            }
            entries.add(parseEntry(line, lineNumber));
        }
        if (entries.size() != count) {
            throw new CorruptCheckpointException(file, lineNumber + 1,
                "end of file after " + entries.size() + " entries, expected " + count);
        }
        return Collections.unmodifiableList(entries);
    }

    private int parseHeader(String line, int lineNumber, String what) throws CorruptCheckpointException {
        if (line == null) {
            throw new CorruptCheckpointException(file, lineNumber, "end of file, expected the " + what);
        }
        try {
            return Integer.parseInt(line);
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException(file, lineNumber, "malformed " + what + " '" + abbreviate(line) + "'", e);
        }
    }

    private T parseEntry(String line, int lineNumber) throws CorruptCheckpointException {
        try {
            T entry = formatter.fromLine(line);
            if (entry == null) {
                throw new IllegalArgumentException("formatter returned no entry");
            }
            return entry;
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(file, lineNumber,
                "malformed entry '" + abbreviate(line) + "': " + e.getMessage(), e);
        }
    }

    /** Keeps messages short when a corrupt line is huge. */
    static String abbreviate(String line) {
        return line.length() <= 100 ? line : line.substring(0, 100) + "...";
    }

    @Override
    public String toString() {
        return "CheckpointFile{" + file + ", version " + version + '}';
    }
}
