package io.varve.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this JVM has mapped, read from Linux's {@code /proc/self/smaps}: whether a file is mapped, and
 * how many of its mapped bytes are resident (pages the process touched, or that the kernel mapped
 * around them). Tests use it to prove that opening a log reads its data and not the preallocated
 * space after it. Stateless; Linux only ({@link #available()}).
 */
final class MappedResidency {

    private static final Path SMAPS = Path.of("/proc/self/smaps");

    private MappedResidency() {
    }

    static boolean available() {
        return Files.isReadable(SMAPS);
    }

    /** Resident bytes of every mapping of {@code file} (by its path now, or as deleted). */
    static long residentBytes(Path file) throws IOException {
        long kib = 0;
        boolean inMapping = false;
        for (String line : Files.readAllLines(SMAPS)) {
            if (isMappingHeader(line)) {
                inMapping = names(line, file);
            } else if (inMapping && line.startsWith("Rss:")) {
                kib += Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        return kib * 1024;
    }

    /** Whether any mapping of this process is of {@code file}. */
    static boolean isMapped(Path file) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/maps"));
        return lines.stream().anyMatch(line -> names(line, file));
    }

    private static boolean isMappingHeader(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        return dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static boolean names(String mappingLine, Path file) {
        String path = file.toAbsolutePath().toString();
        return mappingLine.endsWith(" " + path) || mappingLine.endsWith(" " + path + " (deleted)");
    }
}
