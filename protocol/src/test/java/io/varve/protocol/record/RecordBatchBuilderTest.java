package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.record.compress.CompressionType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RecordBatchBuilderTest {

    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();

    @Test
    void refusesARecordThatDoesNotFitAndKeepsWhatWasWritten() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[200]);
        builder.wrap(buffer, 50, 100).append(1, new byte[10], new byte[10]);
        int before = builder.sizeInBytes();
        assertEquals(100 - before, builder.remainingBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> builder.append(2, null, new byte[builder.remainingBytes()]));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertEquals(before, builder.sizeInBytes());
        for (int i = 150; i < 200; i++) {
            assertEquals(0, buffer.getByte(i), "nothing written past the region");
        }
        int size = builder.build();
        assertEquals(BatchStatus.OK, batch.wrap(buffer, 50).validate(size, 1 << 20));
        assertEquals(1, batch.recordCount());
    }

    @Test
    void sizeOfRecordIsExact() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        builder.wrap(buffer, 0, 4096).append(1000, new byte[3], null);
        builder.header(new byte[2], new byte[300]).header(new byte[1], null);
        int predicted = builder.sizeOfRecord(900, 200, -1);
        int before = builder.sizeInBytes();
        builder.append(900, new byte[200], null);
        assertEquals(predicted, builder.sizeInBytes() - before);
    }

    @Test
    void recordThatFitsExactlyIsAccepted() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        builder.wrap(buffer, 0, 128);
        int room = builder.remainingBytes();
        int valueLength = 0;
        while (builder.sizeOfRecord(5, -1, valueLength + 1) <= room) {
            valueLength++;
        }
        builder.append(5, null, new byte[valueLength]);
        assertEquals(0, builder.remainingBytes());
        assertEquals(128, builder.build());
    }

    @Test
    void misuseIsAProgrammerError() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[100]);
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer, 50, 60));
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer, 0, 10));
        builder.wrap(buffer, 0, 100);
        assertThrows(IllegalStateException.class, builder::build, "no records");
        assertThrows(IllegalArgumentException.class, () -> builder.header(null, new byte[1]));
        assertThrows(IndexOutOfBoundsException.class, () -> builder.append(1, new byte[2], 1, 2, null, 0, 0));
        builder.append(1, null, null).build();
        assertThrows(IllegalStateException.class, () -> builder.append(1, null, null), "already built");
    }

    @Test
    void buildsFromDirectBufferSlicesAndControlFlags() {
        UnsafeBuffer source = new UnsafeBuffer(new byte[] {9, 1, 2, 3, 9});
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        builder.wrap(buffer, 0, 256).controlBatch(true).transactional(true)
            .header(source, 1, 1, null, 0, 0)
            .append(7, source, 1, 3, source, 0, 0);
        int size = builder.build();
        assertEquals(BatchStatus.OK, batch.wrap(buffer, 0).validate(size, 1 << 20));
        assertTrue(batch.isControlBatch());
        assertTrue(batch.isTransactional());
        RecordCursor cursor = new RecordCursor().wrap(batch);
        assertTrue(cursor.next());
        assertEquals(3, cursor.keyLength());
        assertEquals(1, buffer.getByte(cursor.keyOffset()));
        assertEquals(0, cursor.valueLength());
        RecordCursor.HeaderCursor headers = cursor.headers();
        assertTrue(headers.next());
        assertEquals(1, headers.keyLength());
        assertEquals(-1, headers.valueLength());
    }

    @Test
    void compressedRecordsThatDoNotFitLeaveTheBuilderOpenForAnUncompressedBuild() {
        byte[] random = new byte[1000];
        new java.util.Random(1).nextBytes(random);
        int exact = RecordBatchFlyweight.HEADER_SIZE + builder.wrap(new UnsafeBuffer(new byte[4096]), 0, 4096)
            .sizeOfRecord(5, 1, random.length);
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[exact]);
        builder.wrap(buffer, 0, exact).compression(CompressionType.GZIP).append(5, new byte[] {1}, random);
        assertThrows(IllegalStateException.class, builder::build); // gzip framing grows random bytes
        int size = builder.compression(CompressionType.NONE).build();
        assertEquals(exact, size);
        assertEquals(BatchStatus.OK, batch.wrap(buffer, 0).validate(size, size, size));
    }

    @Test
    void compressionIsResetByWrap() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        builder.wrap(buffer, 0, 256).compression(CompressionType.LZ4).append(1, null, new byte[] {7}).build();
        assertEquals(CompressionType.LZ4.id(), batch.wrap(buffer, 0).compression());
        builder.wrap(buffer, 0, 256).append(1, null, new byte[] {7}).build();
        assertEquals(0, batch.wrap(buffer, 0).compression());
    }
}
