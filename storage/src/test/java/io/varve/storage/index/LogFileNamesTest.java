package io.varve.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LogFileNamesTest {

    @Test
    void namesAreTheBaseOffsetPaddedToTwentyDigitsAsInKafka() {
        Path dir = Path.of("/data/topic-0");
        assertEquals("00000000000000000000", LogFileNames.offsetPrefix(0));
        assertEquals("09223372036854775807", LogFileNames.offsetPrefix(Long.MAX_VALUE));
        assertEquals(dir.resolve("00000000000000000042.log"), LogFileNames.logFile(dir, 42));
        assertEquals(dir.resolve("00000000000000000042.index"), LogFileNames.offsetIndexFile(dir, 42));
        assertEquals(dir.resolve("00000000000000000042.timeindex"), LogFileNames.timeIndexFile(dir, 42));
        assertThrows(IllegalArgumentException.class, () -> LogFileNames.offsetPrefix(-1));
    }

    @Test
    void parseBaseOffsetReadsTheDigitsBeforeTheFirstDot() {
        assertEquals(42, LogFileNames.parseBaseOffset("00000000000000000042.timeindex"));
        assertEquals(42, LogFileNames.parseBaseOffset(Path.of("/d/00000000000000000042.log")));
        assertEquals(Long.MAX_VALUE, LogFileNames.parseBaseOffset("09223372036854775807.index.deleted"));
        assertThrows(IllegalArgumentException.class, () -> LogFileNames.parseBaseOffset("leader-epoch-checkpoint"));
        assertThrows(IllegalArgumentException.class, () -> LogFileNames.parseBaseOffset(".log"));
        assertThrows(IllegalArgumentException.class, () -> LogFileNames.parseBaseOffset("-0000000000000000001.log"));
        assertThrows(IllegalArgumentException.class, () -> LogFileNames.parseBaseOffset("99999999999999999999.log"));
    }
}
