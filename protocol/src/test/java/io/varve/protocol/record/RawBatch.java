package io.varve.protocol.record;

import static io.varve.protocol.record.RecordBatchFlyweight.*;

import java.nio.ByteOrder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hand-written batches and records for the validation tests, where the builder would refuse to
 * write the corruption under test. Test-only; allocation does not matter here.
 */
final class RawBatch {

    private RawBatch() {
    }

    /** A batch with the given header counts around the given record bytes, with a correct CRC. */
    static UnsafeBuffer of(int recordCount, int lastOffsetDelta, int attributes, byte[]... records) {
        int size = HEADER_SIZE;
        for (byte[] r : records) {
            size += r.length;
        }
        UnsafeBuffer b = new UnsafeBuffer(new byte[size]);
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        b.putLong(BASE_OFFSET_OFFSET, 100, be);
        b.putInt(LENGTH_OFFSET, size - LOG_OVERHEAD, be);
        b.putInt(PARTITION_LEADER_EPOCH_OFFSET, 3, be);
        b.putByte(MAGIC_OFFSET, MAGIC);
        b.putShort(ATTRIBUTES_OFFSET, (short) attributes, be);
        b.putInt(LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta, be);
        b.putLong(BASE_TIMESTAMP_OFFSET, 1000, be);
        b.putLong(MAX_TIMESTAMP_OFFSET, 1000, be);
        b.putLong(PRODUCER_ID_OFFSET, -1, be);
        b.putShort(PRODUCER_EPOCH_OFFSET, (short) -1, be);
        b.putInt(BASE_SEQUENCE_OFFSET, -1, be);
        b.putInt(RECORDS_COUNT_OFFSET, recordCount, be);
        int p = RECORDS_OFFSET;
        for (byte[] r : records) {
            b.putBytes(p, r);
            p += r.length;
        }
        restampCrc(b);
        return b;
    }

    /** Recomputes the CRC after a deliberate change, so that the check under test is reached. */
    static void restampCrc(MutableDirectBuffer b) {
        RecordBatchFlyweight f = new RecordBatchFlyweight().wrap(b, 0);
        b.putInt(CRC_OFFSET, f.computeCrc(), ByteOrder.BIG_ENDIAN);
    }

    /** A record body (everything after the length varint), with raw control over each field. */
    static final class Rec {
        private final ExpandableArrayBuffer body = new ExpandableArrayBuffer(64);
        private int position;

        Rec attributes(int value) {
            body.putByte(position++, (byte) value);
            return this;
        }

        Rec varint(int value) {
            position += Varint.writeVarint(body, position, value);
            return this;
        }

        Rec varlong(long value) {
            position += Varint.writeVarlong(body, position, value);
            return this;
        }

        Rec bytes(int... values) {
            for (int v : values) {
                body.putByte(position++, (byte) v);
            }
            return this;
        }

        /** The record with its true length in front. */
        byte[] framed() {
            return framed(position);
        }

        /** The record with {@code length} in front, true or not. */
        byte[] framed(int length) {
            UnsafeBuffer out = new UnsafeBuffer(new byte[Varint.sizeOfVarint(length) + position]);
            int p = Varint.writeVarint(out, 0, length);
            out.putBytes(p, body, 0, position);
            return out.byteArray();
        }
    }

    /** A well-formed record: key "k", value "v", no headers. */
    static Rec simple(int offsetDelta) {
        return new Rec().attributes(0).varlong(0).varint(offsetDelta).varint(1).bytes('k').varint(1).bytes('v').varint(0);
    }
}
