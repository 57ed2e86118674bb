package io.varve.testkit.badinput;

import static io.varve.protocol.record.RecordBatchFlyweight.ATTRIBUTES_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.CRC_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.LENGTH_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.RECORDS_COUNT_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.RECORDS_OFFSET;

import io.varve.protocol.record.Crc32c;
import io.varve.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * RecordBatch v2 bytes that lie, each in one way. Unless the lie is the CRC itself, the CRC32C is
 * recomputed after the damage, so the broker must find the lie by reading the records, not by the
 * checksum.
 *
 * <pre>
 *  0 baseOffset  8 batchLength  12 leaderEpoch  16 magic  17 crc  21 attributes  ...  57 recordCount
 *  61 records: [length varint | attributes | timestampDelta | offsetDelta | key | value | headers] ...
 * </pre>
 */
final class BadBatches {

    private BadBatches() {
    }

    /** A valid uncompressed batch of short records (each record's length is a one-byte varint). */
    static UnsafeBuffer valid(String... values) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        for (String value : values) {
            builder.append(1_000L, null, value.getBytes(StandardCharsets.UTF_8));
        }
        int size = builder.build();
        UnsafeBuffer exact = new UnsafeBuffer(new byte[size]);
        exact.putBytes(0, buffer, 0, size);
        return exact;
    }

    static ByteBuffer bytes(UnsafeBuffer batch) {
        return ByteBuffer.wrap(batch.byteArray());
    }

    private static ByteBuffer withCrcFixed(UnsafeBuffer batch) {
        batch.putInt(CRC_OFFSET, Crc32c.compute(batch, ATTRIBUTES_OFFSET, batch.capacity() - ATTRIBUTES_OFFSET),
            ByteOrder.BIG_ENDIAN);
        return bytes(batch);
    }

    /** The last byte of a value flipped, the CRC left as it was. */
    static ByteBuffer badCrc() {
        UnsafeBuffer batch = valid("aaaa", "bbbb");
        int last = batch.capacity() - 2;
        batch.putByte(last, (byte) (batch.getByte(last) ^ 0x20));
        return bytes(batch);
    }

    /** The first record claims 63 bytes, far more than the batch holds. */
    static ByteBuffer recordLengthPastTheBatch() {
        UnsafeBuffer batch = valid("aaaa", "bbbb");
        batch.putByte(RECORDS_OFFSET, (byte) (63 << 1)); // zig-zag varint of 63
        return withCrcFixed(batch);
    }

    /** The first record's length is negative. */
    static ByteBuffer negativeRecordLength() {
        UnsafeBuffer batch = valid("aaaa", "bbbb");
        batch.putByte(RECORDS_OFFSET, (byte) ((5 << 1) - 1)); // zig-zag varint of -5
        return withCrcFixed(batch);
    }

    /** The header counts {@code claimed} records; there are two. */
    static ByteBuffer lyingRecordCount(int claimed) {
        UnsafeBuffer batch = valid("aaaa", "bbbb");
        batch.putInt(RECORDS_COUNT_OFFSET, claimed, ByteOrder.BIG_ENDIAN);
        return withCrcFixed(batch);
    }

    /** The batch length runs past the bytes sent. */
    static ByteBuffer batchLengthPastTheEnd() {
        UnsafeBuffer batch = valid("aaaa", "bbbb");
        batch.putInt(LENGTH_OFFSET, batch.getInt(LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) + 100, ByteOrder.BIG_ENDIAN);
        return bytes(batch);
    }

    /** Attributes name a compression codec that does not exist (id 6). */
    static ByteBuffer unknownCodec() {
        UnsafeBuffer batch = valid("aaaa", "bbbb");
        batch.putShort(ATTRIBUTES_OFFSET, (short) 6, ByteOrder.BIG_ENDIAN);
        return withCrcFixed(batch);
    }

    /** Attributes say gzip; the payload is noise, under a CRC computed before the damage. */
    static ByteBuffer compressedGarbageWithStaleCrc() {
        UnsafeBuffer batch = valid("aaaa", "bbbb", "cccc");
        batch.putShort(ATTRIBUTES_OFFSET, (short) 1, ByteOrder.BIG_ENDIAN);
        for (int i = RECORDS_OFFSET; i < batch.capacity(); i++) {
            batch.putByte(i, (byte) (i * 37));
        }
        return bytes(batch);
    }
}
