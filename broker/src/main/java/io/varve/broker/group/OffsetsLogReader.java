package io.varve.broker.group;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordBatchReader;
import io.varve.protocol.record.RecordCursor;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a {@code __consumer_offsets} partition from its log start to its end into a
 * {@link CoordinatorRecords.Visitor}, one slice at a time. The log validated every batch when it
 * was appended and at recovery; a record this version cannot parse (a newer layout) is logged and
 * skipped, so an upgrade's records never stop a load. Stateless; thread-safe.
 */
final class OffsetsLogReader {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetsLogReader.class);
    private static final int READ_BYTES = 1 << 20;
    private static final int MAX_DECOMPRESSED_BYTES = 64 << 20;

    private OffsetsLogReader() {
    }

    /** Replays every record of {@code log}; returns how many were read. */
    static long replay(PartitionLog log, CoordinatorRecords.Visitor visitor) {
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        RecordBatchReader reader = new RecordBatchReader();
        long offset = log.logStartOffset();
        long records = 0;
        while (offset < log.logEndOffset()) {
            try (LogSlice slice = log.read(offset, READ_BYTES)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    break;
                }
                int position = 0;
                long next = offset;
                while (position < slice.sizeInBytes()) {
                    batch.wrap(slice.buffer(), position);
                    int available = slice.sizeInBytes() - position;
                    if (batch.validateHeaderAndCrc(available, Integer.MAX_VALUE) != BatchStatus.OK
                            || reader.open(batch, MAX_DECOMPRESSED_BYTES) != BatchStatus.OK) {
                        throw new IllegalStateException(log.topicPartition() + ": unreadable batch at " + next);
                    }
                    RecordCursor cursor = reader.cursor();
                    while (cursor.next()) {
                        if (cursor.offset() >= offset) {
                            replayOne(cursor, visitor);
                            records++;
                        }
                    }
                    next = batch.nextOffset();
                    position += batch.sizeInBytes();
                }
                if (next <= offset) {
                    break;
                }
                offset = next;
            }
        }
        return records;
    }

    private static void replayOne(RecordCursor cursor, CoordinatorRecords.Visitor visitor) {
        if (cursor.keyLength() < 0) {
            return;
        }
        ByteBuffer key = copy(cursor, cursor.keyOffset(), cursor.keyLength());
        ByteBuffer value = cursor.valueLength() < 0 ? null : copy(cursor, cursor.valueOffset(), cursor.valueLength());
        try {
            CoordinatorRecords.replay(key, value, visitor);
        } catch (MalformedMessageException e) {
            LOG.warn("Skipped a group record at offset {}: {}", cursor.offset(), e.getMessage());
        }
    }

    private static ByteBuffer copy(RecordCursor cursor, int offset, int length) {
        byte[] bytes = new byte[length];
        cursor.buffer().getBytes(offset, bytes);
        return ByteBuffer.wrap(bytes);
    }
}
