package io.varve.raft.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The metadata record encoding: every record reads back as itself, and bytes that are not a whole,
 * well-formed record are refused with {@link CorruptMetadataException} and nothing else.
 */
class MetadataRecordCodecTest {

    private static final UUID ID = new UUID(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    static List<MetadataRecord> examples() {
        return List.of(
            new MetadataRecord.RegisterBroker(1, "broker-1.example", 9092, "rack-a"),
            new MetadataRecord.RegisterBroker(0, "", 0, null),
            new MetadataRecord.Topic("orders", ID),
            new MetadataRecord.Partition(ID, 3, new int[] {1, 2, 3}, new int[] {1, 3}, 1, 7, 9),
            new MetadataRecord.Partition(ID, 0, new int[0], new int[0], -1, 0, 0),
            new MetadataRecord.RemoveTopic(ID),
            new MetadataRecord.Config(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"),
            new MetadataRecord.Config(ConfigResourceType.BROKER, "", "log.retention.ms", null),
            new MetadataRecord.ProducerIds(2, 5000),
            new MetadataRecord.RegisterBroker(4, "h", 1, "r", 77, false, true),
            new MetadataRecord.FenceBroker(1, 12),
            new MetadataRecord.UnfenceBroker(1, 12),
            new MetadataRecord.BrokerControlledShutdown(3, 0),
            new MetadataRecord.RegisterBroker(5, "h", 1, null, 78, false, false, true),
            new MetadataRecord.BrokerLogDirOffline(2, 40));
    }

    @Test
    void aVersionZeroBrokerRegistrationReadsAsUnfencedWithItsOwnOffsetAsEpoch() {
        ByteBuffer v0 = ByteBuffer.allocate(4 + 4 + 3 + 4 + 2)
            .putShort((short) 1).putShort((short) 0)
            .putInt(7).putShort((short) 1).put((byte) 'h').putInt(9092).putShort((short) -1);
        assertEquals(new MetadataRecord.RegisterBroker(7, "h", 9092, null, MetadataRecord.RegisterBroker.OWN_OFFSET,
            false, false), MetadataRecordCodec.decode(v0.array()));
        byte[] v1 = MetadataRecordCodec.encode(new MetadataRecord.RegisterBroker(7, "h", 9092, null));
        assertEquals(2, ByteBuffer.wrap(v1).getShort(2), "the encoder writes the newest version");
        assertEquals(v0.capacity() + 8 + 1, v1.length);
    }

    @Test
    void unknownBrokerFlagsAreRefused() {
        byte[] bytes = MetadataRecordCodec.encode(new MetadataRecord.RegisterBroker(7, "h", 9092, null));
        bytes[bytes.length - 1] = 8;
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(bytes));
    }

    @Test
    void theLogDirOfflineFlagIsAVersionTwoFlagAndAVersionOneRecordReadsAsOnline() {
        byte[] v2 = MetadataRecordCodec.encode(new MetadataRecord.RegisterBroker(7, "h", 9092, null, 5, false, false, true));
        assertEquals(4, v2[v2.length - 1]);
        assertEquals(new MetadataRecord.RegisterBroker(7, "h", 9092, null, 5, false, false, true),
            MetadataRecordCodec.decode(v2));
        byte[] v1 = MetadataRecordCodec.encode(new MetadataRecord.RegisterBroker(7, "h", 9092, null, 5, true, false));
        v1[3] = 1; // version 1: the same layout, without the offline flag
        assertEquals(new MetadataRecord.RegisterBroker(7, "h", 9092, null, 5, true, false, false),
            MetadataRecordCodec.decode(v1));
        v2[3] = 1; // a version 1 record may not carry the flag version 2 added
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(v2));
    }

    @Test
    void everyExampleRoundTrips() {
        for (MetadataRecord record : examples()) {
            byte[] bytes = MetadataRecordCodec.encode(record);
            assertEquals(MetadataRecordCodec.sizeOf(record), bytes.length, record.toString());
            assertEquals(record, MetadataRecordCodec.decode(bytes));
        }
    }

    @Test
    void layoutOfATopicRecordIsTheDocumentedOne() {
        byte[] bytes = MetadataRecordCodec.encode(new MetadataRecord.Topic("ab", ID));
        ByteBuffer expected = ByteBuffer.allocate(4 + 2 + 2 + 16)
            .putShort((short) 2).putShort((short) 0)
            .putShort((short) 2).put((byte) 'a').put((byte) 'b')
            .putLong(ID.getMostSignificantBits()).putLong(ID.getLeastSignificantBits());
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void everyTruncationOfEveryExampleIsRefused() {
        for (MetadataRecord record : examples()) {
            byte[] bytes = MetadataRecordCodec.encode(record);
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(cut),
                    record + " cut to " + length);
            }
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] bytes = MetadataRecordCodec.encode(new MetadataRecord.RemoveTopic(ID));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(longer));
    }

    @Test
    void unknownTypeAndNewerVersionAreRefused() {
        byte[] bytes = MetadataRecordCodec.encode(new MetadataRecord.RemoveTopic(ID));
        UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putShort(0, (short) 999, java.nio.ByteOrder.BIG_ENDIAN);
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(bytes));
        buffer.putShort(0, MetadataRecordType.REMOVE_TOPIC.code(), java.nio.ByteOrder.BIG_ENDIAN);
        buffer.putShort(2, (short) 1, java.nio.ByteOrder.BIG_ENDIAN);
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(bytes));
    }

    @Test
    void hugeOrNegativeArrayCountsAreRefusedBeforeAllocating() {
        MetadataRecord partition = new MetadataRecord.Partition(ID, 0, new int[] {1}, new int[] {1}, 1, 0, 0);
        byte[] bytes = MetadataRecordCodec.encode(partition);
        int replicasCountAt = 4 + 16 + 4;
        for (int count : new int[] {-1, Integer.MAX_VALUE, MetadataRecordCodec.MAX_ARRAY_LENGTH + 1, 2}) {
            new UnsafeBuffer(bytes).putInt(replicasCountAt, count, java.nio.ByteOrder.BIG_ENDIAN);
            assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(bytes), "count " + count);
        }
    }

    @Test
    void nullWhereTheFormatForbidsItIsRefused() {
        byte[] bytes = MetadataRecordCodec.encode(new MetadataRecord.Topic("", ID));
        new UnsafeBuffer(bytes).putShort(4, (short) -1, java.nio.ByteOrder.BIG_ENDIAN);
        byte[] noName = Arrays.copyOf(bytes, bytes.length);
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(noName));
    }

    @Test
    void invalidUtf8AndOutOfRangeFieldsAreRefused() {
        byte[] bytes = MetadataRecordCodec.encode(new MetadataRecord.Topic("a", ID));
        bytes[6] = (byte) 0xff;
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(bytes));
        byte[] broker = MetadataRecordCodec.encode(new MetadataRecord.RegisterBroker(1, "h", 1, null));
        new UnsafeBuffer(broker).putInt(4, -5, java.nio.ByteOrder.BIG_ENDIAN);
        assertThrows(CorruptMetadataException.class, () -> MetadataRecordCodec.decode(broker));
    }

    @Test
    void unpairedSurrogatesCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class,
            () -> MetadataRecordCodec.encode(new MetadataRecord.Topic("a\ud800", ID)));
    }

    @Property(tries = 500)
    void anyRecordRoundTrips(@ForAll("records") MetadataRecord record) {
        byte[] bytes = MetadataRecordCodec.encode(record);
        assertEquals(MetadataRecordCodec.sizeOf(record), bytes.length);
        assertEquals(record, MetadataRecordCodec.decode(bytes));
    }

    @Property(tries = 2000)
    void garbageIsARecordOrCorruptNeverAnotherFailure(@ForAll("garbage") byte[] bytes) {
        try {
            MetadataRecord record = MetadataRecordCodec.decode(bytes);
            assertArrayEquals(bytes, MetadataRecordCodec.encode(record), "a record decoded from garbage re-encodes exactly");
        } catch (CorruptMetadataException expected) {
            assertTrue(expected.getMessage() != null);
        }
    }

    @Property(tries = 500)
    void aFlippedByteNeverGivesAnythingButARecordOrCorrupt(@ForAll("records") MetadataRecord record,
                                                            @ForAll int position, @ForAll byte value) {
        byte[] bytes = MetadataRecordCodec.encode(record);
        bytes[Math.floorMod(position, bytes.length)] = value;
        try {
            MetadataRecordCodec.decode(bytes);
        } catch (CorruptMetadataException expected) {
            // refused: fine
        }
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        // Garbage behind a valid type and version reaches the field decoders, not just the type check.
        Arbitrary<byte[]> typed = Combinators.combine(Arbitraries.of(MetadataRecordType.values()), random)
            .as((type, tail) -> ByteBuffer.allocate(4 + tail.length).putShort(type.code()).putShort(type.highestVersion())
                .put(tail).array());
        return Arbitraries.oneOf(random, typed);
    }

    @Provide
    Arbitrary<MetadataRecord> records() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(40);
        Arbitrary<String> nullable = names.injectNull(0.2);
        Arbitrary<UUID> ids = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
        Arbitrary<int[]> nodes = Arbitraries.integers().array(int[].class).ofMaxSize(8);
        Arbitrary<Integer> ints = Arbitraries.integers();
        return Arbitraries.oneOf(
            Combinators.combine(Arbitraries.integers().greaterOrEqual(0), names, Arbitraries.integers().between(0, 65_535),
                nullable, Arbitraries.longs().greaterOrEqual(-1), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(MetadataRecord.RegisterBroker::new),
            Combinators.combine(ints, Arbitraries.longs()).as(MetadataRecord.FenceBroker::new),
            Combinators.combine(ints, Arbitraries.longs()).as(MetadataRecord.UnfenceBroker::new),
            Combinators.combine(ints, Arbitraries.longs()).as(MetadataRecord.BrokerControlledShutdown::new),
            Combinators.combine(ints, Arbitraries.longs()).as(MetadataRecord.BrokerLogDirOffline::new),
            Combinators.combine(names, ids).as(MetadataRecord.Topic::new),
            Combinators.combine(ids, Arbitraries.integers().greaterOrEqual(0), nodes, nodes, ints, ints, ints)
                .as(MetadataRecord.Partition::new),
            ids.map(MetadataRecord.RemoveTopic::new),
            Combinators.combine(Arbitraries.of(ConfigResourceType.values()), names, names, nullable)
                .as(MetadataRecord.Config::new),
            Combinators.combine(ints, Arbitraries.longs().greaterOrEqual(0)).as(MetadataRecord.ProducerIds::new));
    }
}
