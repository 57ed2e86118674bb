package io.varve.storage.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.record.RecordBatchFlyweight;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot file format (round trip, every corruption refused) and the manager's snapshot lifecycle. */
class ProducerSnapshotFileTest {

    @TempDir
    Path dir;

    static final List<ProducerState> PRODUCERS = List.of(
        new ProducerState(3, (short) 0, List.of(new BatchMetadata(0, 4, 10, 14, 1000))),
        new ProducerState(9, (short) 7, List.of(new BatchMetadata(Integer.MAX_VALUE - 1, 0, 20, 21, -1),
            new BatchMetadata(1, 1, 30, 30, 2000))));

    @Test
    void aSnapshotReadsBackAsWritten() throws IOException {
        ProducerSnapshotFile.write(dir, 42, PRODUCERS);
        Path file = dir.resolve("00000000000000000042.snapshot");
        assertEquals(ProducerSnapshotFile.sizeInBytes(PRODUCERS), Files.size(file));
        ProducerSnapshotFile.Read read = ProducerSnapshotFile.read(file);
        assertTrue(read.isValid(), read.problem());
        assertEquals(PRODUCERS, read.producers());
        assertFalse(Files.exists(dir.resolve("00000000000000000042.snapshot.tmp")));
    }

    @Test
    void anEmptySnapshotIsValid() throws IOException {
        ProducerSnapshotFile.write(dir, 0, List.of());
        assertEquals(List.of(), ProducerSnapshotFile.read(ProducerSnapshotFile.path(dir, 0)).producers());
    }

    @Test
    void everyFlippedBitIsDetected() throws IOException {
        ProducerSnapshotFile.write(dir, 42, PRODUCERS);
        Path file = ProducerSnapshotFile.path(dir, 42);
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            Files.write(file, bad);
            assertFalse(ProducerSnapshotFile.read(file).isValid(), "bit " + i + " flipped");
        }
    }

    @Test
    void aCutOrExtendedFileIsRefused() throws IOException {
        ProducerSnapshotFile.write(dir, 42, PRODUCERS);
        Path file = ProducerSnapshotFile.path(dir, 42);
        byte[] good = Files.readAllBytes(file);
        for (int length = 0; length < good.length; length++) {
            Files.write(file, Arrays.copyOf(good, length));
            assertFalse(ProducerSnapshotFile.read(file).isValid(), "cut to " + length);
        }
        Files.write(file, Arrays.copyOf(good, good.length + 1));
        assertFalse(ProducerSnapshotFile.read(file).isValid(), "one byte too many");
    }

    @Test
    void aSnapshotRenamedToAnotherOffsetIsRefused() throws IOException {
        ProducerSnapshotFile.write(dir, 42, PRODUCERS);
        Files.move(ProducerSnapshotFile.path(dir, 42), ProducerSnapshotFile.path(dir, 43));
        assertTrue(ProducerSnapshotFile.read(ProducerSnapshotFile.path(dir, 43)).problem().contains("offset 42"));
    }

    @Test
    void anUnknownVersionIsRefusedEvenWithAValidCrc() throws IOException {
        ProducerSnapshotFile.write(dir, 42, PRODUCERS);
        Path file = ProducerSnapshotFile.path(dir, 42);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.writeShort(2);
        }
        assertTrue(ProducerSnapshotFile.read(file).problem().contains("version"));
    }

    @Test
    void onlyTwentyDigitNamesAreSnapshots() {
        assertTrue(ProducerSnapshotFile.isSnapshotFile(Path.of("00000000000000000042.snapshot")));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(Path.of("00000000000000000042.snapshot.tmp")));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(Path.of("0000000000000000004x.snapshot")));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(Path.of("42.snapshot")));
    }

    @Test
    void loadTakesTheNewestValidSnapshotAtOrBelowTheLogEnd() throws IOException {
        ProducerStateManager producers = new ProducerStateManager(dir, 60_000);
        ProducerSnapshotFile.write(dir, 10, PRODUCERS.subList(0, 1));
        ProducerSnapshotFile.write(dir, 20, PRODUCERS);
        ProducerSnapshotFile.write(dir, 30, List.of());
        ProducerSnapshotFile.write(dir, 40, List.of());
        corrupt(ProducerSnapshotFile.path(dir, 30));

        assertEquals(20, producers.loadSnapshot(35));
        assertEquals(Map.of(3L, PRODUCERS.get(0), 9L, PRODUCERS.get(1)), producers.producers());
        assertEquals(List.of(10L, 20L), producers.snapshotOffsets(), "the corrupt one and the one past the end are gone");

        corrupt(ProducerSnapshotFile.path(dir, 20));
        assertEquals(10, producers.loadSnapshot(35));
        assertEquals(Map.of(3L, PRODUCERS.get(0)), producers.producers());
        corrupt(ProducerSnapshotFile.path(dir, 10));
        assertEquals(-1, producers.loadSnapshot(35));
        assertEquals(0, producers.producerCount());
        assertEquals(List.of(), producers.snapshotOffsets());
    }

    @Test
    void retainingSnapshotsKeepsOneInsideTheLogBeforeDeletingThoseBelowItsStart() throws IOException {
        ProducerStateManager producers = new ProducerStateManager(dir, 60_000);
        ProducerSnapshotFile.write(dir, 10, List.of());
        producers.retainSnapshots(15, 50);
        assertEquals(List.of(), producers.snapshotOffsets(), "no producer: nothing to keep");

        producers.onBatchAppended(new RecordBatchFlyweight().wrap(ProducerStateManagerTest.batch(3, 0, 0, 1), 0), 49);
        ProducerSnapshotFile.write(dir, 10, List.of());
        producers.retainSnapshots(15, 50);
        assertEquals(List.of(50L), producers.snapshotOffsets());
        producers.retainSnapshots(20, 50);
        assertEquals(List.of(50L), producers.snapshotOffsets(), "one inside the log is enough");
        producers.deleteSnapshotsAbove(49);
        assertEquals(List.of(), producers.snapshotOffsets());
    }

    private static void corrupt(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
    }
}
