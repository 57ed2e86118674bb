package io.varve.protocol.record;

import static io.varve.protocol.record.RecordBatchFlyweight.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.record.compress.CompressionType;
import io.varve.protocol.record.compress.RecordCompressor;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Each {@link BatchStatus} comes from one specific corruption of an otherwise valid batch. */
class RecordBatchValidationTest {

    private static final int MAX = 1 << 20;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();

    private static UnsafeBuffer valid() {
        return RawBatch.of(2, 1, 0, RawBatch.simple(0).framed(), RawBatch.simple(1).framed());
    }

    private BatchStatus validate(UnsafeBuffer b) {
        return batch.wrap(b, 0).validate(b.capacity(), MAX);
    }

    @Test
    void validBatchIsOk() {
        assertEquals(BatchStatus.OK, validate(valid()));
    }

    @Test
    void wrongMagic() {
        UnsafeBuffer b = valid();
        b.putByte(MAGIC_OFFSET, (byte) 1);
        assertEquals(BatchStatus.WRONG_MAGIC, validate(b));
    }

    @Test
    void lengthSmallerThanAHeader() {
        UnsafeBuffer b = valid();
        b.putInt(LENGTH_OFFSET, HEADER_SIZE - LOG_OVERHEAD - 1, BE);
        assertEquals(BatchStatus.LENGTH_TOO_SMALL, validate(b));
    }

    @Test
    void lengthLargerThanTheLimit() {
        UnsafeBuffer b = valid();
        assertEquals(BatchStatus.LENGTH_TOO_LARGE, batch.wrap(b, 0).validate(b.capacity(), b.capacity() - 1));
        b.putInt(LENGTH_OFFSET, Integer.MAX_VALUE, BE);
        assertEquals(BatchStatus.LENGTH_TOO_LARGE, batch.wrap(b, 0).validate(b.capacity(), Integer.MAX_VALUE));
    }

    @Test
    void lengthPastTheBytesPresent() {
        UnsafeBuffer b = valid();
        assertEquals(BatchStatus.TRUNCATED_BATCH, batch.wrap(b, 0).validate(b.capacity() - 1, MAX));
        b.putInt(LENGTH_OFFSET, b.capacity() - LOG_OVERHEAD + 1, BE);
        assertEquals(BatchStatus.TRUNCATED_BATCH, validate(b));
    }

    @Test
    void fewerBytesThanAHeader() {
        assertEquals(BatchStatus.TRUNCATED_HEADER, batch.wrap(valid(), 0).validate(HEADER_SIZE - 1, MAX));
        assertEquals(BatchStatus.ZERO_FILLED, validate(new UnsafeBuffer(new byte[HEADER_SIZE + 10])));
    }

    @Test
    void crcFlip() {
        UnsafeBuffer b = valid();
        int last = b.capacity() - 2;
        b.putByte(last, (byte) (b.getByte(last) ^ 0x01));
        assertEquals(BatchStatus.CRC_MISMATCH, validate(b));
    }

    @Test
    void stampedFieldsOutsideTheCrcKeepItValid() {
        UnsafeBuffer b = valid();
        batch.wrap(b, 0).baseOffset(1L << 50);
        batch.partitionLeaderEpoch(99);
        assertEquals(BatchStatus.OK, validate(b));
    }

    @Test
    void recordCountAboveOrBelowTheRecordsPresent() {
        UnsafeBuffer b = valid();
        b.putInt(RECORDS_COUNT_OFFSET, 3, BE);
        RawBatch.restampCrc(b);
        assertEquals(BatchStatus.RECORD_COUNT_MISMATCH, validate(b));
        b.putInt(RECORDS_COUNT_OFFSET, 1, BE);
        RawBatch.restampCrc(b);
        assertEquals(BatchStatus.RECORD_COUNT_MISMATCH, validate(b));
    }

    @Test
    void negativeRecordCount() {
        UnsafeBuffer b = valid();
        b.putInt(RECORDS_COUNT_OFFSET, -1, BE);
        RawBatch.restampCrc(b);
        assertEquals(BatchStatus.NEGATIVE_RECORD_COUNT, validate(b));
    }

    @Test
    void lastOffsetDeltaDisagreesWithTheCount() {
        UnsafeBuffer b = RawBatch.of(2, 2, 0, RawBatch.simple(0).framed(), RawBatch.simple(1).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, validate(b));
    }

    @Test
    void offsetDeltasThatAreNotConsecutive() {
        UnsafeBuffer b = RawBatch.of(2, 1, 0, RawBatch.simple(0).framed(), RawBatch.simple(2).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, validate(b));
        b = RawBatch.of(1, 0, 0, RawBatch.simple(1).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, validate(b));
    }

    @Test
    void aStoredBatchMayHaveOffsetGapsLeftByCompactionButAProducersMayNot() {
        UnsafeBuffer gaps = RawBatch.of(2, 4, 0, RawBatch.simple(1).framed(), RawBatch.simple(4).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, batch.wrap(gaps, 0).validate(gaps.capacity(), MAX));
        assertEquals(BatchStatus.OK, batch.wrap(gaps, 0).validateStoredRecords());
        assertEquals(BatchStatus.OK, batch.wrap(gaps, 0).validateStoredRecords(MAX));
        UnsafeBuffer empty = RawBatch.of(0, 9, 0);
        assertEquals(BatchStatus.OK, batch.wrap(empty, 0).validateStoredRecords(), "compaction keeps empty batches");
        UnsafeBuffer pastLast = RawBatch.of(2, 3, 0, RawBatch.simple(1).framed(), RawBatch.simple(4).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, batch.wrap(pastLast, 0).validateStoredRecords());
        UnsafeBuffer backwards = RawBatch.of(2, 4, 0, RawBatch.simple(3).framed(), RawBatch.simple(3).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, batch.wrap(backwards, 0).validateStoredRecords());
        UnsafeBuffer tooMany = RawBatch.of(2, 0, 0, RawBatch.simple(0).framed(), RawBatch.simple(1).framed());
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, batch.wrap(tooMany, 0).validateStoredRecords());
    }

    @Test
    void overflowingVarintInsideARecord() {
        byte[] record = new RawBatch.Rec().attributes(0).varlong(0).varint(0)
            .bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01) // key length: six varint bytes
            .varint(-1).varint(0).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, record)));
        byte[] timestamp = new RawBatch.Rec().attributes(0)
            .bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01) // eleven-byte varlong
            .varint(0).varint(-1).varint(-1).varint(0).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, timestamp)));
    }

    @Test
    void recordLengthPastTheBatchEnd() {
        RawBatch.Rec rec = RawBatch.simple(0);
        byte[] record = rec.framed(rec.framed().length); // claims a byte more than is there
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, record)));
    }

    @Test
    void recordLengthThatIsNegativeOrTooShort() {
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, RawBatch.simple(0).framed(-1))));
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, RawBatch.simple(0).framed(3))));
    }

    @Test
    void recordWhoseFieldsEndBeforeItsLength() {
        byte[] record = RawBatch.simple(0).bytes(0).framed(); // a stray byte after the header count
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, record)));
    }

    @Test
    void keyOrValueLengthBelowMinusOne() {
        byte[] key = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(-2).varint(-1).varint(0).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, key)));
        byte[] value = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(-1).varint(-5).varint(0).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, value)));
    }

    @Test
    void keyLongerThanTheRecord() {
        byte[] record = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(Integer.MAX_VALUE)
            .varint(-1).varint(0).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, record)));
    }

    @Test
    void badHeaders() {
        RawBatch.Rec base = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(-1).varint(-1);
        byte[] negativeCount = base.varint(-1).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, negativeCount)));
        byte[] hugeCount = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(-1).varint(-1)
            .varint(Integer.MAX_VALUE).varint(0).varint(-1).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, hugeCount)));
        byte[] nullKey = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(-1).varint(-1)
            .varint(1).varint(-1).varint(-1).framed();
        assertEquals(BatchStatus.MALFORMED_RECORD, validate(RawBatch.of(1, 0, 0, nullKey)));
        byte[] fine = new RawBatch.Rec().attributes(0).varlong(0).varint(0).varint(-1).varint(-1)
            .varint(1).varint(1).bytes('h').varint(-1).framed();
        assertEquals(BatchStatus.OK, validate(RawBatch.of(1, 0, 0, fine)));
    }

    @Test
    void emptyBatchWithZeroCountIsOk() {
        assertEquals(BatchStatus.OK, validate(RawBatch.of(0, 0, 0)));
        assertEquals(BatchStatus.RECORD_COUNT_MISMATCH, validate(RawBatch.of(1, 0, 0)));
    }

    @Test
    void compressedBatchesAreCheckedUpToTheCrcOnly() {
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7};
        assertEquals(BatchStatus.OK, validate(RawBatch.of(1, 0, 1, garbage)));
        assertEquals(BatchStatus.OK, validate(RawBatch.of(1, 0, 4, garbage)));
        assertEquals(BatchStatus.UNKNOWN_COMPRESSION, validate(RawBatch.of(1, 0, 5, garbage)));
        assertThrows(IllegalArgumentException.class,
            () -> new RecordCursor().wrap(batch.wrap(RawBatch.of(1, 0, 1, garbage), 0)));
    }

    @Test
    void compressedRecordsAreCheckedWhenALimitIsGiven() {
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7};
        for (int codec = 1; codec <= 4; codec++) {
            UnsafeBuffer b = RawBatch.of(1, 0, codec, garbage);
            assertEquals(BatchStatus.DECOMPRESSION_FAILED, batch.wrap(b, 0).validate(b.capacity(), MAX, MAX), "codec " + codec);
        }
        UnsafeBuffer unknown = RawBatch.of(1, 0, 6, garbage);
        assertEquals(BatchStatus.UNKNOWN_COMPRESSION, batch.wrap(unknown, 0).validate(unknown.capacity(), MAX, MAX));
    }

    @Test
    void compressedRecordsAreCheckedAgainstTheHeaderAfterInflating() {
        UnsafeBuffer gap = RawBatch.of(2, 1, CompressionType.GZIP.id(), gzipRecords(0, 2));
        assertEquals(BatchStatus.OFFSET_DELTA_MISMATCH, batch.wrap(gap, 0).validate(gap.capacity(), MAX, MAX));
        UnsafeBuffer miscounted = RawBatch.of(3, 2, CompressionType.GZIP.id(), gzipRecords(0, 1));
        assertEquals(BatchStatus.RECORD_COUNT_MISMATCH, batch.wrap(miscounted, 0).validate(miscounted.capacity(), MAX, MAX));
        UnsafeBuffer right = RawBatch.of(2, 1, CompressionType.GZIP.id(), gzipRecords(0, 1));
        assertEquals(BatchStatus.OK, batch.wrap(right, 0).validate(right.capacity(), MAX, MAX));
    }

    private static byte[] gzipRecords(int... offsetDeltas) {
        byte[] records = new byte[64 * offsetDeltas.length];
        int size = 0;
        for (int delta : offsetDeltas) {
            byte[] r = RawBatch.simple(delta).framed();
            System.arraycopy(r, 0, records, size, r.length);
            size += r.length;
        }
        RecordCompressor compressor = new RecordCompressor();
        int compressed = compressor.compress(CompressionType.GZIP, new UnsafeBuffer(records), 0, size);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[compressed]);
        compressor.copyOutput(payload, 0);
        return payload.byteArray();
    }

    @Test
    void aBatchWhoseRecordsInflatePastTheLimitIsRefusedAndTheBufferGivenBack() {
        int zeros = 8 << 20;
        RecordCompressor compressor = new RecordCompressor();
        int compressed = compressor.compress(CompressionType.ZSTD, new UnsafeBuffer(new byte[zeros]), 0, zeros);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[compressed]);
        compressor.copyOutput(payload, 0);
        UnsafeBuffer b = RawBatch.of(1, 0, CompressionType.ZSTD.id(), payload.byteArray());
        assertEquals(BatchStatus.DECOMPRESSED_TOO_LARGE, batch.wrap(b, 0).validate(b.capacity(), MAX, 2 << 20));
        RecordBatchReader reader = new RecordBatchReader();
        assertEquals(BatchStatus.DECOMPRESSED_TOO_LARGE, reader.open(batch, 2 << 20));
        assertTrue(reader.decompressionCapacityBytes() <= 2 << 20);
        // Within a limit large enough it inflates, and then fails on the records (zeros are not records).
        assertEquals(BatchStatus.MALFORMED_RECORD, batch.validate(b.capacity(), MAX, zeros));
    }

    @Test
    void cursorStopsAtTheMalformedRecordAndSaysSo() {
        UnsafeBuffer b = RawBatch.of(2, 1, 0, RawBatch.simple(0).framed(), RawBatch.simple(1).framed(-1));
        RecordCursor cursor = new RecordCursor().wrap(batch.wrap(b, 0));
        assertEquals(true, cursor.next());
        assertFalse(cursor.next());
        assertEquals(BatchStatus.MALFORMED_RECORD, cursor.status());
        assertFalse(cursor.next(), "stays stopped");
        assertEquals(1, cursor.recordsRead());
    }

    @Test
    void batchNotAtTheStartOfTheBuffer() {
        UnsafeBuffer inner = valid();
        UnsafeBuffer outer = new UnsafeBuffer(new byte[inner.capacity() + 20]);
        outer.putBytes(7, inner, 0, inner.capacity());
        assertEquals(BatchStatus.OK, batch.wrap(outer, 7).validate(inner.capacity(), MAX));
    }
}
