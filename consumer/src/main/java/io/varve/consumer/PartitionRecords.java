package io.varve.consumer;

import io.varve.common.TopicPartition;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordCursor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One partition's records from one fetch response, turned into {@link ConsumerRecord}s lazily, a
 * few at a time, as polls ask for them: nothing is parsed or copied before a poll needs it.
 *
 * <p>Rules, in the order the bytes are walked:
 * <ul>
 *   <li>A batch cut off at the end of the response is normal (the broker stops at the size limit) and
 *       ends the data, unless it is the first (a broker always returns one whole batch), even when the
 *       few bytes left of its header are all zero; any other invalid header, a CRC mismatch (when {@code check.crcs}), or a
 *       malformed record is {@link CorruptRecordException}.</li>
 *   <li>Batches that end before the position are skipped whole; in the batch holding the position,
 *       records before it are skipped (a fetch returns the whole batch that holds the fetch offset).</li>
 *   <li>Compressed batches are inflated one at a time, within {@code max.decompressed.batch.bytes}
 *       (see {@link BatchReader}).</li>
 *   <li>Control batches (transaction markers) are skipped and never returned.</li>
 *   <li>After a batch the position is the batch's next offset, so offsets that compaction removed
 *       are stepped over.</li>
 * </ul>
 * The position is the caller's: {@link #drain} takes it and returns where it ends.
 *
 * <p>Not thread-safe: owned by the polling thread.
 */
final class PartitionRecords {

    private final TopicPartition tp;
    private final long subscriptionEpoch;
    private final DirectBuffer buffer;
    private final int limit;
    private final boolean checkCrcs;
    private final BatchReader reader;
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordCursor cursor = new RecordCursor();
    private int nextBatchOffset;
    private int currentBatchOffset;
    private boolean currentCompressed;
    private boolean inBatch;
    private long batchNextOffset;
    private boolean exhausted;

    /**
     * @param records           the partition's record bytes, from position to limit
     * @param subscriptionEpoch the partition's epoch when the fetch was sent
     */
    PartitionRecords(TopicPartition tp, long subscriptionEpoch, ByteBuffer records, boolean checkCrcs, BatchReader reader) {
        this.tp = tp;
        this.subscriptionEpoch = subscriptionEpoch;
        this.buffer = new UnsafeBuffer(records.slice());
        this.limit = buffer.capacity();
        this.checkCrcs = checkCrcs;
        this.reader = reader;
    }

    TopicPartition partition() {
        return tp;
    }

    long subscriptionEpoch() {
        return subscriptionEpoch;
    }

    /** True once every record was returned or skipped. */
    boolean isExhausted() {
        return exhausted;
    }

    /**
     * Adds up to {@code max} records at or after {@code position} to {@code out}.
     *
     * @return the position after the records added (and any skipped)
     * @throws CorruptRecordException when a batch fails validation
     */
    <K, V> long drain(long position, int max, Deserializer<K> keys, Deserializer<V> values,
                      List<ConsumerRecord<K, V>> out) {
        int added = 0;
        if (inBatch && currentCompressed && !reader.holds(this)) {
            // Another partition's batch replaced the decompressed bytes: inflate ours again; the
            // records before the position are skipped as usual.
            inBatch = false;
            nextBatchOffset = currentBatchOffset;
        }
        while (added < max && !exhausted) {
            if (!inBatch && !openNextBatch(position)) {
                exhausted = true;
                break;
            }
            if (!cursor.next()) {
                if (!cursor.status().isOk()) {
                    throw new CorruptRecordException(tp, position, cursor.status().reason());
                }
                inBatch = false;
                position = Math.max(position, batchNextOffset);
                continue;
            }
            long offset = cursor.offset();
            if (offset < position) {
                continue;
            }
            out.add(toRecord(offset, keys, values));
            position = offset + 1;
            added++;
        }
        return position;
    }

    /** Moves to the next batch that holds records at or after {@code position}; false at the end of the data. */
    private boolean openNextBatch(long position) {
        while (nextBatchOffset < limit) {
            int available = limit - nextBatchOffset;
            batch.wrap(buffer, nextBatchOffset);
            if (nextBatchOffset > 0 && isCutOff(available)) {
                return false;
            }
            BatchStatus status = checkCrcs ? batch.validateHeaderAndCrc(available, Integer.MAX_VALUE)
                : checkHeader(available);
            if (!status.isOk()) {
                throw new CorruptRecordException(tp, position, status.reason());
            }
            int batchOffset = nextBatchOffset;
            nextBatchOffset += batch.sizeInBytes();
            if (batch.nextOffset() <= position || batch.isControlBatch() || batch.recordCount() == 0) {
                continue;
            }
            BatchStatus opened = reader.open(batch, cursor, this);
            if (opened == BatchStatus.MALFORMED_RECORD) {
                throw new CorruptRecordException(tp, position, reader.limitDescription());
            }
            if (!opened.isOk()) {
                throw new CorruptRecordException(tp, position, opened.reason());
            }
            currentBatchOffset = batchOffset;
            currentCompressed = batch.compression() != 0;
            batchNextOffset = batch.nextOffset();
            inBatch = true;
            return true;
        }
        return false;
    }

    /**
     * Whether the batch at the wrapped offset runs past the end of the response: the broker's cut at the
     * size limit. Decided before any other check, because the few bytes of a cut header may all be zero
     * (the high bytes of a big-endian base offset), which the flyweight would report as a zero-filled
     * log tail. Whole batches are still validated strictly, CRC included.
     */
    private boolean isCutOff(int available) {
        return available < RecordBatchFlyweight.HEADER_SIZE
            || (long) batch.batchLength() + RecordBatchFlyweight.LOG_OVERHEAD > available;
    }

    /** The header checks of {@link RecordBatchFlyweight#validateHeaderAndCrc} less the CRC, for check.crcs=false. */
    private BatchStatus checkHeader(int available) {
        if (available < RecordBatchFlyweight.HEADER_SIZE) {
            return BatchStatus.TRUNCATED_HEADER;
        }
        int length = batch.batchLength();
        if (length < RecordBatchFlyweight.HEADER_SIZE - RecordBatchFlyweight.LOG_OVERHEAD) {
            return BatchStatus.LENGTH_TOO_SMALL;
        }
        if ((long) length + RecordBatchFlyweight.LOG_OVERHEAD > available) {
            return BatchStatus.TRUNCATED_BATCH;
        }
        return batch.magic() == RecordBatchFlyweight.MAGIC ? BatchStatus.OK : BatchStatus.WRONG_MAGIC;
    }

    private <K, V> ConsumerRecord<K, V> toRecord(long offset, Deserializer<K> keys, Deserializer<V> values) {
        DirectBuffer b = cursor.buffer();
        byte[] key = copy(b, cursor.keyOffset(), cursor.keyLength());
        byte[] value = copy(b, cursor.valueOffset(), cursor.valueLength());
        List<Header> headers = List.of();
        if (cursor.headerCount() > 0) {
            headers = new ArrayList<>(cursor.headerCount());
            RecordCursor.HeaderCursor h = cursor.headers();
            while (h.next()) {
                headers.add(new Header(b.getStringWithoutLengthUtf8(h.keyOffset(), h.keyLength()),
                    copy(b, h.valueOffset(), h.valueLength())));
            }
        }
        TimestampType type = batch.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, cursor.timestamp(), type,
            keys.deserialize(tp.topic(), key), values.deserialize(tp.topic(), value), headers);
    }

    private static byte[] copy(DirectBuffer b, int offset, int length) {
        if (length < 0) {
            return null;
        }
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    @Override
    public String toString() {
        return "PartitionRecords{" + tp + ", bytes=" + limit + ", exhausted=" + exhausted + '}';
    }
}
