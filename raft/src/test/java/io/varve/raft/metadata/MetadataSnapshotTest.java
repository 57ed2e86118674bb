package io.varve.raft.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** A whole image as a snapshot: it reads back equal, epochs and offset included; bad bytes are refused. */
class MetadataSnapshotTest {

    private static final UUID ORDERS = new UUID(1, 1);

    private static MetadataImage image() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.empty("c1"));
        List<MetadataRecord> records = List.of(
            new MetadataRecord.RegisterBroker(1, "h1", 9092, "r1"),
            new MetadataRecord.RegisterBroker(2, "h2", 9092, null),
            new MetadataRecord.UnfenceBroker(2, 41),
            new MetadataRecord.BrokerControlledShutdown(2, 41),
            new MetadataRecord.Topic("orders", ORDERS),
            new MetadataRecord.Partition(ORDERS, 0, new int[] {1, 2}, new int[] {1}, -1, 4, 9),
            new MetadataRecord.Config(ConfigResourceType.TOPIC, "orders", "retention.ms", "5"),
            new MetadataRecord.Config(ConfigResourceType.BROKER, "", "log.retention.ms", "7"),
            new MetadataRecord.ProducerIds(1, 3000));
        long offset = 40;
        for (MetadataRecord record : records) {
            delta.replay(record, offset++);
        }
        return delta.apply();
    }

    @Test
    void anImageReadsBackEqualWithItsBrokerEpochsAndOffset() {
        MetadataImage image = image();
        MetadataImage read = MetadataSnapshot.read(MetadataSnapshot.write(image));
        assertEquals(image, read);
        assertEquals(48, read.lastAppliedOffset());
        assertEquals(new BrokerRegistration(2, "h2", 9092, null, 41, false, true), read.broker(2));
        assertEquals(3000, read.nextProducerId());
    }

    @Test
    void theHeaderIsTheDocumentedOne() {
        ByteBuffer bytes = ByteBuffer.wrap(MetadataSnapshot.write(MetadataImage.empty("ab")));
        assertEquals(MetadataSnapshot.VERSION, bytes.getShort());
        assertEquals(MetadataImage.NO_OFFSET, bytes.getLong());
        assertEquals(2, bytes.getShort());
        assertEquals('a', bytes.get());
        assertEquals('b', bytes.get());
        assertEquals(0, bytes.getInt());
        assertEquals(0, bytes.remaining());
    }

    @Test
    void truncatedOrPaddedOrMisversionedSnapshotsAreCorrupt() {
        byte[] bytes = MetadataSnapshot.write(image());
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThrows(CorruptMetadataException.class, () -> MetadataSnapshot.read(truncated), "length " + length);
        }
        assertThrows(CorruptMetadataException.class, () -> MetadataSnapshot.read(Arrays.copyOf(bytes, bytes.length + 1)));
        byte[] version = bytes.clone();
        version[1] = 1;
        assertThrows(CorruptMetadataException.class, () -> MetadataSnapshot.read(version));
        byte[] hugeCount = MetadataSnapshot.write(MetadataImage.empty(""));
        ByteBuffer.wrap(hugeCount).putInt(12, Integer.MAX_VALUE);
        assertThrows(CorruptMetadataException.class, () -> MetadataSnapshot.read(hugeCount), "count checked before allocating");
    }

    @Test
    void aBrokerWithoutAnExplicitEpochCannotBeInASnapshot() {
        assertThrows(IllegalStateException.class, () -> MetadataSnapshot.fromRecords("c", 0,
            List.of(new MetadataRecord.RegisterBroker(1, "h", 1, null))));
    }

    @Property(tries = 1000)
    void aFlippedByteGivesAnImageOrCorruptNeverAnotherFailure(@ForAll int position, @ForAll byte value) {
        byte[] bytes = MetadataSnapshot.write(image());
        bytes[Math.floorMod(position, bytes.length)] = value;
        try {
            MetadataSnapshot.read(bytes);
        } catch (CorruptMetadataException expected) {
            // refused: fine
        }
    }
}
