package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VarintTest {

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
    private final VarintReader reader = new VarintReader();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, 63, -64, 64, -65, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void varintRoundTripsAndMatchesKafkaBytes(int value) {
        int written = Varint.writeVarint(buffer, 3, value);
        assertEquals(Varint.sizeOfVarint(value), written);
        assertEquals(ByteUtils.sizeOfVarint(value), written);

        ByteBuffer kafka = ByteBuffer.allocate(16);
        ByteUtils.writeVarint(value, kafka);
        assertEquals(written, kafka.position());
        for (int i = 0; i < written; i++) {
            assertEquals(kafka.get(i), buffer.getByte(3 + i), "byte " + i);
        }

        reader.wrap(buffer, 3, 3 + written);
        assertEquals(value, reader.readVarint());
        assertFalse(reader.hasError());
        assertEquals(0, reader.remaining());
        long result = Varint.readVarint(buffer, 3, 3 + written);
        assertEquals(value, Varint.value(result));
        assertEquals(written, Varint.bytesRead(result));
        assertEquals(value, ByteUtils.readVarint(ByteBuffer.wrap(buffer.byteArray(), 3, written)));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 63, -64, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE})
    void varlongRoundTripsAndMatchesKafkaBytes(long value) {
        int written = Varint.writeVarlong(buffer, 0, value);
        assertEquals(Varint.sizeOfVarlong(value), written);
        assertEquals(ByteUtils.sizeOfVarlong(value), written);
        ByteBuffer kafka = ByteBuffer.allocate(16);
        ByteUtils.writeVarlong(value, kafka);
        assertEquals(written, kafka.position());
        for (int i = 0; i < written; i++) {
            assertEquals(kafka.get(i), buffer.getByte(i), "byte " + i);
        }
        reader.wrap(buffer, 0, written);
        assertEquals(value, reader.readVarlong());
        assertFalse(reader.hasError());
        assertEquals(value, ByteUtils.readVarlong(ByteBuffer.wrap(buffer.byteArray(), 0, written)));
    }

    @Property
    void anyIntAgreesWithKafka(@ForAll int value) {
        ByteBuffer kafka = ByteBuffer.allocate(8);
        ByteUtils.writeVarint(value, kafka);
        UnsafeBuffer ours = new UnsafeBuffer(kafka.array());
        assertEquals(value, new VarintReader().wrap(ours, 0, kafka.position()).readVarint());
        assertEquals(kafka.position(), Varint.sizeOfVarint(value));
    }

    @Property
    void anyLongAgreesWithKafka(@ForAll long value) {
        UnsafeBuffer ours = new UnsafeBuffer(new byte[12]);
        int written = Varint.writeVarlong(ours, 0, value);
        assertEquals(value, ByteUtils.readVarlong(ByteBuffer.wrap(ours.byteArray(), 0, written)));
    }

    @Test
    void sixthVarintByteIsAnOverflow() {
        for (int i = 0; i < 5; i++) {
            buffer.putByte(i, (byte) 0x80);
        }
        buffer.putByte(5, (byte) 0x01);
        reader.wrap(buffer, 0, 32);
        assertEquals(0, reader.readVarint());
        assertEquals(VarintReader.Error.OVERFLOW, reader.error());
        assertEquals(0, reader.position(), "position stays where the bad varint starts");
        assertEquals(0, reader.readVarint(), "the error is sticky");
        assertEquals(Varint.OVERFLOW, Varint.readVarint(buffer, 0, 32));
    }

    @Test
    void eleventhVarlongByteIsAnOverflow() {
        for (int i = 0; i < 10; i++) {
            buffer.putByte(i, (byte) 0xFF);
        }
        buffer.putByte(10, (byte) 0x01);
        reader.wrap(buffer, 0, 32);
        reader.readVarlong();
        assertEquals(VarintReader.Error.OVERFLOW, reader.error());
    }

    @Test
    void truncatedVarintsAreReportedNotThrown() {
        int written = Varint.writeVarint(buffer, 0, Integer.MIN_VALUE);
        for (int limit = 0; limit < written; limit++) {
            reader.wrap(buffer, 0, limit);
            assertEquals(0, reader.readVarint());
            assertEquals(VarintReader.Error.TRUNCATED, reader.error(), "limit " + limit);
            assertEquals(Varint.TRUNCATED, Varint.readVarint(buffer, 0, limit));
        }
        written = Varint.writeVarlong(buffer, 0, Long.MIN_VALUE);
        for (int limit = 0; limit < written; limit++) {
            reader.wrap(buffer, 0, limit);
            reader.readVarlong();
            assertEquals(VarintReader.Error.TRUNCATED, reader.error(), "limit " + limit);
        }
    }

    @Test
    void skipAndReadByteStopAtTheLimit() {
        reader.wrap(buffer, 0, 4);
        assertTrue(reader.skip(3));
        assertTrue(reader.skip(-1), "a null field skips nothing");
        assertFalse(reader.skip(2));
        assertEquals(VarintReader.Error.TRUNCATED, reader.error());
        reader.wrap(buffer, 4, 4);
        assertEquals(0, reader.readByte());
        assertTrue(reader.hasError());
    }
}
