package io.varve.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of a process from Linux's {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/status}. The parsing is static and pure; {@link #cpuTicks(long)} and
 * {@link #memory(long)} read the files.
 */
public final class ProcStats {

    /**
     * Resident memory now ({@code VmRSS}) and at its peak so far ({@code VmHWM}), and the part of
     * {@code VmRSS} that is anonymous memory (heap, stacks, direct buffers: {@code RssAnon}) or mapped
     * files ({@code RssFile}, e.g. memory-mapped log segments, which the page cache would hold anyway),
     * in bytes; -1 where the kernel does not report the split.
     */
    public record Memory(long rssBytes, long peakRssBytes, long anonBytes, long fileBytes) {
    }

    private ProcStats() {
    }

    /** utime + stime of {@code pid}, in clock ticks. */
    public static long cpuTicks(long pid) throws IOException {
        return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    public static Memory memory(long pid) throws IOException {
        return parseMemory(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    }

    /**
     * utime (field 14) + stime (field 15) of a {@code /proc/<pid>/stat} line. The command name
     * (field 2) is in parentheses and may hold spaces and parentheses, so fields count from the last ')'.
     */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static Memory parseMemory(List<String> status) {
        long rss = -1;
        long hwm = -1;
        long anon = -1;
        long file = -1;
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kilobytes(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kilobytes(line);
            } else if (line.startsWith("RssFile:")) {
                file = kilobytes(line);
            }
        }
        if (rss < 0 || hwm < 0) {
            throw new IllegalArgumentException("no VmRSS/VmHWM in /proc/<pid>/status");
        }
        return new Memory(rss, hwm, anon, file);
    }

    private static long kilobytes(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            throw new IllegalArgumentException("unexpected memory line: " + line);
        }
        return Long.parseLong(parts[0]) * 1024;
    }

    /** CPU seconds per 10^9 bytes moved; NaN when nothing moved. */
    static double cpuSecondsPerGb(long ticks, long clockTicksPerSecond, long bytes) {
        return bytes <= 0 ? Double.NaN : (ticks / (double) clockTicksPerSecond) / (bytes / 1e9);
    }
}
