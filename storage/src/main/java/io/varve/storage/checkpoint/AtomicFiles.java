package io.varve.storage.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Atomic, durable replacement of a small file: write {@code <name>.tmp}, fsync it, rename it over the
 * target, fsync the parent directory. After a crash the target holds either its old content or the
 * new one. On failure the temporary file is removed and the target is untouched.
 *
 * <p>Stateless; callers must not write the same target from two threads at once (they would share
 * the temporary file). Directory fsync is the POSIX way; it is not supported on Windows. Public for
 * the binary files of sibling packages (producer-state snapshots); the text checkpoints here use
 * {@link #write(Path, Body)}.
 */
public final class AtomicFiles {

    /** Suffix of the temporary file written next to the target. */
    static final String TMP_SUFFIX = ".tmp";

    /** Writes the content of a file. */
    @FunctionalInterface
    interface Body {
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFiles() {
    }

    static Path tmpFileFor(Path target) {
        return target.resolveSibling(target.getFileName() + TMP_SUFFIX);
    }

    /** Replaces {@code target} with {@code content} (position to limit), atomically and durably. */
    public static void writeBytes(Path target, ByteBuffer content) throws IOException {
        Path tmp = tmpFileFor(target);
        try {
            try (FileChannel channel = FileChannel.open(tmp,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (content.hasRemaining()) {
                    channel.write(content);
                }
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTmp(tmp, e);
            throw e;
        }
        fsyncDirectory(parentOf(target));
    }

    /** Replaces {@code target} with what {@code body} writes, atomically and durably. */
    static void write(Path target, Body body) throws IOException {
        Path tmp = tmpFileFor(target);
        try {
            try (FileChannel channel = FileChannel.open(tmp,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                // Not closed on its own: closing the channel (above) is enough, and keeps one owner.
                Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), UTF_8.newEncoder()));
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTmp(tmp, e);
            throw e;
        }
        fsyncDirectory(parentOf(target));
    }

    /** Deletes {@code file} if present and makes the removal durable. */
    public static boolean deleteDurably(Path file) throws IOException {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
            fsyncDirectory(parentOf(file));
        }
        return deleted;
    }

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static Path parentOf(Path file) {
        return file.toAbsolutePath().getParent();
    }

    private static void deleteTmp(Path tmp, Exception failure) {
        try {
            if (Files.isRegularFile(tmp)) {
                Files.delete(tmp);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
