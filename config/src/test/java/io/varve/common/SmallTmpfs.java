package io.varve.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test: a log directory that fills up. Mounting needs root (CI runs as
 * root); elsewhere {@link #mount} answers null and the test says it was not run, and why. Unmounted by
 * {@link #close()}.
 */
public final class SmallTmpfs implements AutoCloseable {

    private final Path mountPoint;

    private SmallTmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code sizeBytes} at a new directory under {@code parent}, or answers null if it cannot. */
    public static SmallTmpfs mount(Path parent, long sizeBytes) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(parent.resolve("tmpfs"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes, "varve-test", dir.toString())
            .redirectErrorStream(true).start();
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
            mount.destroyForcibly();
            return null;
        }
        return new SmallTmpfs(dir);
    }

    public Path path() {
        return mountPoint;
    }

    /** Takes {@code bytes} of the file system with a file of zeros, which {@link #free} deletes. */
    public Path fill(long bytes) throws IOException {
        Path filler = Files.createTempFile(mountPoint, "filler-", "");
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block);
            }
        }
        return filler;
    }

    /** Fills the file system up with a file of zeros, which {@link #free} deletes. */
    public Path fillUp() throws IOException {
        Path filler = Files.createTempFile(mountPoint, "filler-", "");
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            return filler; // No space left on device
        }
    }

    public void free(Path filler) throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process umount = new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start();
        if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
            throw new IOException("umount " + mountPoint + " failed");
        }
    }
}
