package io.varve.raft.log;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordCursor;
import io.varve.raft.metadata.CorruptMetadataException;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.MetadataRecordCodec;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Metadata records in RecordBatch v2: one Kafka record per metadata record, with a null key and the
 * {@link MetadataRecordCodec} bytes as its value, no headers, uncompressed. So the metadata log is an
 * ordinary partition log ({@code __cluster_metadata-0}) that shares the storage engine's CRC checks,
 * indexes and crash recovery, and that Kafka tools can dump.
 *
 * <p>Not thread-safe: one instance per thread, reused.
 */
final class MetadataBatches {

    /** Most bytes a record adds beyond its value: length, attributes, deltas, key, value length, headers. */
    private static final int RECORD_OVERHEAD_BYTES = 5 + 1 + 10 + 5 + 1 + 5 + 1;

    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordCursor cursor = new RecordCursor();

    /** The records as one batch at base offset 0, in a buffer of exactly the batch's size. */
    UnsafeBuffer encode(List<MetadataRecord> records, long timestampMs) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        byte[][] values = new byte[records.size()][];
        long capacity = RecordBatchFlyweight.HEADER_SIZE;
        for (int i = 0; i < values.length; i++) {
            values[i] = MetadataRecordCodec.encode(records.get(i));
            capacity += values[i].length + RECORD_OVERHEAD_BYTES;
        }
        if (capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + capacity + " bytes is too large");
        }
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[(int) capacity]);
        builder.wrap(buffer, 0, (int) capacity);
        for (byte[] value : values) {
            builder.append(timestampMs, null, value);
        }
        int size = builder.build();
        return new UnsafeBuffer(buffer, 0, size);
    }

    /**
     * Visits the records of the whole batches in {@code buffer[0, length)} at or after {@code fromOffset}.
     *
     * @return the offset after the last batch
     * @throws CorruptMetadataException if a batch or record is not whole and valid
     */
    long decode(DirectBuffer buffer, int length, long fromOffset, MetadataQuorum.RecordVisitor visitor) {
        long nextOffset = fromOffset;
        int position = 0;
        while (position < length) {
            batch.wrap(buffer, position);
            BatchStatus status = batch.validate(length - position, Integer.MAX_VALUE);
            if (!status.isOk()) {
                throw new CorruptMetadataException("metadata batch at byte " + position + ": " + status.reason());
            }
            if (batch.compression() != 0 || batch.isControlBatch()) {
                throw new CorruptMetadataException("metadata batch at offset " + batch.baseOffset()
                    + " is compressed or a control batch");
            }
            cursor.wrap(batch);
            while (cursor.next()) {
                if (cursor.offset() >= fromOffset) {
                    if (cursor.valueLength() < 0) {
                        throw new CorruptMetadataException("metadata record at offset " + cursor.offset() + " has no value");
                    }
                    visitor.onRecord(MetadataRecordCodec.decode(buffer, cursor.valueOffset(), cursor.valueLength()),
                        cursor.offset());
                }
            }
            position += batch.sizeInBytes();
            nextOffset = batch.nextOffset();
        }
        return nextOffset;
    }
}
