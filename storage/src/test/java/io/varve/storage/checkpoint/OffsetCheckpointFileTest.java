package io.varve.storage.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.common.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetCheckpointFileTest {

    @TempDir
    Path logDir;

    @Test
    void fileNamesAreKafkas() {
        assertEquals(logDir.resolve("recovery-point-offset-checkpoint"), OffsetCheckpointFile.recoveryPoints(logDir).file());
        assertEquals(logDir.resolve("log-start-offset-checkpoint"), OffsetCheckpointFile.logStartOffsets(logDir).file());
    }

    @Test
    void roundTripsSortedByTopicThenPartition() throws IOException {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("orders-eu", 10), 7L);
        offsets.put(new TopicPartition("orders-eu", 2), 1200L);
        offsets.put(new TopicPartition("__consumer_offsets", 0), 0L);
        OffsetCheckpointFile file = OffsetCheckpointFile.recoveryPoints(logDir);

        file.write(offsets);

        assertEquals("0\n3\n__consumer_offsets 0 0\norders-eu 2 1200\norders-eu 10 7\n", Files.readString(file.file()));
        assertEquals(offsets, file.read());
    }

    @Test
    void missingFileReadsAsEmpty() throws IOException {
        assertEquals(Map.of(), OffsetCheckpointFile.logStartOffsets(logDir).read());
    }

    @Test
    void refusesToWriteWhatItCouldNotReadBack() {
        OffsetCheckpointFile file = OffsetCheckpointFile.recoveryPoints(logDir);
        assertThrows(IllegalArgumentException.class, () -> file.write(Map.of(new TopicPartition("has space", 0), 1L)));
        assertThrows(IllegalArgumentException.class, () -> file.write(Map.of(new TopicPartition("t", 0), -1L)));
    }

    @Test
    void malformedLinesAreCorruptAtTheirLine() throws IOException {
        assertCorruptAt("0\n1\nt 0\n", 3);
        assertCorruptAt("0\n1\nt 0 5 9\n", 3);
        assertCorruptAt("0\n1\nt  0 5\n", 3);
        assertCorruptAt("0\n1\nt x 5\n", 3);
        assertCorruptAt("0\n1\nt -1 5\n", 3);
        assertCorruptAt("0\n1\nt 0 -5\n", 3);
        assertCorruptAt("0\n1\nt 0 99999999999999999999\n", 3);
        assertCorruptAt("0\n1\nt/x 0 5\n", 3);
        assertCorruptAt("0\n2\nt 0 5\nu 1 6 \n", 4);
    }

    @Test
    void partitionListedTwiceIsCorrupt() throws IOException {
        assertCorruptAt("0\n3\na 0 1\nt 0 5\nt 0 6\n", 5);
    }

    @Test
    void otherVersionIsCorrupt() throws IOException {
        assertCorruptAt("1\n0\n", 1);
    }

    private void assertCorruptAt(String content, int line) throws IOException {
        OffsetCheckpointFile file = OffsetCheckpointFile.recoveryPoints(logDir);
        Files.writeString(file.file(), content);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, file::read);
        assertEquals(line, e.lineNumber(), e.getMessage());
    }
}
