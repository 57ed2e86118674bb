package io.varve.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Crashes simulated on files, without killing the JVM: a byte-for-byte copy of a partition directory
 * taken while its log is still open (mapped writes are in the page cache, so ordinary reads see
 * them, and the files are still preallocated and untrimmed, as after a real crash), then damage done
 * to the copy. Stateless.
 */
final class CrashFiles {

    private CrashFiles() {
    }

    /** Copies every regular file of {@code from} into {@code to} (created), as the disk holds them now. */
    static Path crashCopy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file)) {
                    Files.write(to.resolve(file.getFileName()), Files.readAllBytes(file));
                }
            }
        }
        return to;
    }

    /**
     * {@link #crashCopy} for big, sparse, preallocated files: copies the first {@code prefixBytes} of
     * every file and extends the copy to the original length with a hole (reads as zeros), without
     * reading the rest. The caller knows nothing but zeros lies after {@code prefixBytes}.
     */
    static Path sparseCrashCopy(Path from, Path to, long prefixBytes) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                Path copy = to.resolve(file.getFileName());
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE)) {
                    long length = in.size();
                    long prefix = Math.min(length, prefixBytes);
                    for (long done = 0; done < prefix; ) {
                        done += in.transferTo(done, prefix - done, out);
                    }
                }
                try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
                    raf.setLength(Files.size(file));
                }
            }
        }
        return to;
    }

    /** Cuts {@code file} to {@code length} bytes: a write torn by the crash. */
    static void cut(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    /** Flips the lowest bit of the byte at {@code position}. */
    static void flipBit(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 1);
        }
    }

    /** Overwrites {@code [from, from + length)} with {@code value}. */
    static void fill(Path file, long from, int length, byte value) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] bytes = new byte[length];
            Arrays.fill(bytes, value);
            raf.seek(from);
            raf.write(bytes);
        }
    }

    /** Appends {@code bytes} bytes of {@code value} to the end of {@code file}. */
    static void append(Path file, int bytes, byte value) throws IOException {
        fill(file, Files.size(file), bytes, value);
    }
}
