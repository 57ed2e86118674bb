package io.varve.raft.log;

import io.varve.raft.core.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The Raft {@link HardState} on disk: the file {@code quorum-state} in the metadata directory, one
 * line of text
 *
 * <pre>
 *  version=0 term=&lt;int&gt; votedFor=&lt;int&gt; crc=&lt;crc32c of "version=0 term=.. votedFor=.."&gt;\n
 * </pre>
 *
 * Written whole as {@code quorum-state.tmp}, fsynced, renamed over the old file and the directory
 * fsynced, so a crash leaves the old or the new state, never a mix. A file that does not parse or
 * whose CRC does not match stops the node (a vote must never be forgotten).
 *
 * <p>Not thread-safe: the Raft driver's thread owns it.
 */
public final class QuorumStateFile {

    public static final String FILE_NAME = "quorum-state";
    /** The file is one short line; anything larger is not ours. */
    private static final long MAX_BYTES = 256;

    private final Path file;
    private final Path temp;

    public QuorumStateFile(Path dir) {
        this.file = dir.resolve(FILE_NAME);
        this.temp = dir.resolve(FILE_NAME + ".tmp");
    }

    /** The persisted state, or {@link HardState#INITIAL} when none was ever written. */
    public HardState read() throws IOException {
        if (!Files.exists(file)) {
            return HardState.INITIAL;
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + size + " bytes; a quorum state is at most " + MAX_BYTES);
        }
        String line = Files.readString(file, StandardCharsets.UTF_8).strip();
        int crcAt = line.lastIndexOf(" crc=");
        if (crcAt < 0) {
            throw new IOException(file + " is not a quorum state: " + line);
        }
        String body = line.substring(0, crcAt);
        String[] fields = body.split(" ");
        try {
            long crc = Long.parseLong(line.substring(crcAt + 5));
            if (crc != crc(body) || fields.length != 3 || !fields[0].equals("version=0")
                || !fields[1].startsWith("term=") || !fields[2].startsWith("votedFor=")) {
                throw new IOException(file + " is corrupt: " + line);
            }
            return new HardState(Integer.parseInt(fields[1].substring(5)), Integer.parseInt(fields[2].substring(9)));
        } catch (NumberFormatException e) {
            throw new IOException(file + " is corrupt: " + line, e);
        }
    }

    /** Replaces the persisted state durably (write temp, fsync, rename, fsync the directory). */
    public void write(HardState state) throws IOException {
        String body = "version=0 term=" + state.term() + " votedFor=" + state.votedFor();
        byte[] bytes = (body + " crc=" + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically", e);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static long crc(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
