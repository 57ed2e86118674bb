package io.varve.storage.index;

import java.nio.file.Path;

/**
 * Names of a segment's files, as Kafka names them so operators feel at home (DESIGN §4): the base
 * offset zero-padded to 20 digits, then a suffix, e.g. {@code 00000000000000000042.timeindex}.
 * Thread-safe (stateless).
 */
public final class LogFileNames {

    public static final String LOG_SUFFIX = ".log";
    public static final String OFFSET_INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";

    /** Digits of {@link Long#MAX_VALUE}, so every base offset pads to the same width and sorts. */
    public static final int OFFSET_DIGITS = 20;

    private LogFileNames() {
    }

    /** {@code baseOffset} zero-padded to {@value #OFFSET_DIGITS} digits. */
    public static String offsetPrefix(long baseOffset) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("base offset must not be negative: " + baseOffset);
        }
        String digits = Long.toString(baseOffset);
        StringBuilder name = new StringBuilder(OFFSET_DIGITS);
        for (int i = digits.length(); i < OFFSET_DIGITS; i++) {
            name.append('0');
        }
        return name.append(digits).toString();
    }

    public static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(offsetPrefix(baseOffset) + LOG_SUFFIX);
    }

    public static Path offsetIndexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetPrefix(baseOffset) + OFFSET_INDEX_SUFFIX);
    }

    public static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetPrefix(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /**
     * The base offset a segment file is named after: the digits before the first dot, e.g. 42 for
     * {@code 00000000000000000042.log}.
     *
     * @throws IllegalArgumentException if the name does not start with decimal digits and a dot
     */
    public static long parseBaseOffset(String fileName) {
        int dot = fileName.indexOf('.');
        if (dot <= 0 || dot > OFFSET_DIGITS) {
            throw new IllegalArgumentException("not a segment file name: " + fileName);
        }
        for (int i = 0; i < dot; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a segment file name: " + fileName);
            }
        }
        try {
            return Long.parseLong(fileName, 0, dot, 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("base offset out of range in " + fileName, e);
        }
    }

    /** {@link #parseBaseOffset(String)} of the file's name. */
    public static long parseBaseOffset(Path file) {
        return parseBaseOffset(file.getFileName().toString());
    }

    /** Suffix of a segment file whose deletion has begun: removed at the next open if still there. */
    public static final String DELETED_SUFFIX = ".deleted";

    /** The name a file takes while it waits for its last reader before deletion. */
    public static Path deletedFile(Path file) {
        return file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    }

    public static boolean isDeletedFile(Path file) {
        return file.getFileName().toString().endsWith(DELETED_SUFFIX);
    }

    /** Whether {@code file} is a segment's {@code .log} file. */
    public static boolean isLogFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(LOG_SUFFIX) && name.length() == OFFSET_DIGITS + LOG_SUFFIX.length();
    }

    /** Suffix of a cleaned copy of a segment's {@code .log} while the cleaner writes it: removed at the next open. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** Suffix of a complete, fsynced cleaned {@code .log} about to replace its segment: the next open finishes the swap. */
    public static final String SWAP_SUFFIX = ".swap";

    public static Path cleanedFile(Path logFile) {
        return logFile.resolveSibling(logFile.getFileName() + CLEANED_SUFFIX);
    }

    public static Path swapFile(Path logFile) {
        return logFile.resolveSibling(logFile.getFileName() + SWAP_SUFFIX);
    }

    public static boolean isCleanedFile(Path file) {
        return file.getFileName().toString().endsWith(CLEANED_SUFFIX);
    }

    /** Whether {@code file} is a segment's {@code .log.swap} file. */
    public static boolean isSwapFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(LOG_SUFFIX + SWAP_SUFFIX)
            && name.length() == OFFSET_DIGITS + LOG_SUFFIX.length() + SWAP_SUFFIX.length();
    }
}
