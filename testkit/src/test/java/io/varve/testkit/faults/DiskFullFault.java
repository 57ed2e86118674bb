package io.varve.testkit.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A node whose disk fills up. The node is killed and its data directory moved onto a small file
 * system mounted at the same path: an ext4 image on a loop device (a real file system, the default)
 * or a tmpfs ({@code -Dvarve.faults.diskfull.fs=tmpfs}). A filler file in the log dir's root (not a
 * partition directory, so the node skips it) leaves {@value #HEADROOM_KIB} KiB free. The node is
 * restarted there while the workload writes; once the disk is full, or {@link #FILL_BOUND} has
 * passed, it is killed, its data copied back to the real disk, the file system unmounted, and the
 * node restarted on its own disk. What the node did meanwhile (started or not, still running or gone,
 * its lines about the disk or a dead thread) is returned; a node that did not start, died, or lost a
 * thread (a SIGBUS from a write into a mapped file on a full disk is an {@code InternalError} in
 * Java) is a problem for the caller to report. Mounting needs root: without it the fault is skipped with the reason. Stateless;
 * the mount never outlives {@link #inject}.
 */
final class DiskFullFault {

    static final int HEADROOM_KIB = 512;
    private static final Duration FILL_BOUND = Duration.ofSeconds(60);
    private static final Duration COMMAND_BOUND = Duration.ofSeconds(60);
    private static final String FILLER = "filler";
    /** Free space at which the disk counts as full: less than a block or two. */
    private static final long FULL_KIB = 8;
    private static final Duration FULL_FOR = Duration.ofSeconds(5);

    /** What became of the node on the full disk: a description, and whether it is a problem. */
    record Outcome(String description, boolean problem) {
    }

    private DiskFullFault() {
    }

    /** Why the fault cannot run here, or null when it can. */
    static String unavailable() {
        try {
            String uid = run(List.of("id", "-u")).trim();
            return "0".equals(uid) ? null : "not root (uid " + uid + "): cannot mount a file system";
        } catch (IOException e) {
            return "cannot tell the user id: " + e.getMessage();
        }
    }

    static Outcome inject(VarveProcess node, int id, String fs) throws Exception {
        Path data = node.dataDir();
        Path disk = data.resolveSibling("data.disk");
        Path image = data.resolveSibling("data.img");
        node.kill();
        Files.move(data, disk);
        Files.createDirectories(data);
        long dataKib = Long.parseLong(run(List.of("du", "-sk", disk.toString())).split("\\s+")[0]);
        long fsKib = dataKib * 6 / 5 + 8192; // room for the copy and for ext4's own blocks; the filler takes the rest
        boolean mounted = false;
        StringBuilder what = new StringBuilder("node " + id + " on " + fs + " ");
        boolean problem = false;
        try {
            if ("tmpfs".equals(fs)) {
                run(List.of("mount", "-t", "tmpfs", "-o", "size=" + fsKib + "k", "tmpfs", data.toString()));
            } else {
                try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                    f.setLength(fsKib * 1024);
                }
                run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", image.toString())); // no blocks reserved for root: the node runs as root
                run(List.of("mount", "-o", "loop", image.toString(), data.toString()));
            }
            mounted = true;
            run(List.of("cp", "-a", "--sparse=always", disk + "/.", data.toString()));
            long fillerKib = freeKib(data) - HEADROOM_KIB;
            if (fillerKib > 0) {
                run(List.of("fallocate", "-l", fillerKib + "KiB", data.resolve(FILLER).toString()));
            }
            what.append("(").append(dataKib).append(" KiB of data, ").append(freeKib(data)).append(" KiB free): ");
            long t = System.nanoTime();
            try {
                node.start();
            } catch (IOException e) {
                problem = true;
                what.append("did NOT start: ").append(firstLines(e.getMessage(), 12));
            }
            if (!problem) {
                long deadline = t + FILL_BOUND.toNanos();
                long free = freeKib(data);
                while (free > FULL_KIB && node.isAlive() && System.nanoTime() - deadline < 0) {
                    Thread.sleep(200); // integration test: bounded polling while the workload fills the disk
                    free = freeKib(data);
                }
                Thread.sleep(FULL_FOR.toMillis()); // the node lives with a full disk for a while
                String out = node.output();
                // A thread killed by a SIGBUS (Java's InternalError on an unsafe access) leaves a zombie node.
                problem = !node.isAlive() || out.contains("InternalError") || out.contains("Exception in thread");
                what.append(free).append(" KiB free after ").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t))
                    .append(" ms; node ").append(node.isAlive() ? "still running " + FULL_FOR.toSeconds() + " s later" : "GONE")
                    .append("; its lines about the disk: ").append(diskLines(node));
            }
            node.kill();
            Path back = data.resolveSibling("data.back");
            Files.createDirectories(back);
            run(List.of("cp", "-a", "--sparse=always", data + "/.", back.toString()));
            run(List.of("rm", "-rf", back.resolve(FILLER).toString(), back.resolve("lost+found").toString()));
            run(List.of("umount", data.toString()));
            mounted = false;
            Files.delete(data);
            Files.move(back, data);
            run(List.of("rm", "-rf", disk.toString(), image.toString()));
        } finally {
            if (mounted) {
                node.kill(); // nothing may hold the mount
                run(List.of("umount", "-l", data.toString()));
            }
        }
        node.start();
        return new Outcome(what.append("; restarted on its own disk").toString(), problem);
    }

    private static String firstLines(String text, int count) {
        String[] lines = text.split("\n");
        return String.join("\n    ", java.util.Arrays.copyOf(lines, Math.min(count, lines.length)));
    }

    private static String diskLines(VarveProcess node) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : node.output().split("\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.contains("space") || l.contains("sigbus") || l.contains("disk") || l.contains("ioexception")
                || l.contains("offline") || l.contains("fatal") || l.contains("internalerror")
                || l.contains("exception in thread")) {
                lines.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
            }
        }
        return lines.isEmpty() ? "none" : String.join("\n    ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }

    private static long freeKib(Path dir) {
        return dir.toFile().getUsableSpace() / 1024;
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " did not finish within " + COMMAND_BOUND);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command + " interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited with " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
