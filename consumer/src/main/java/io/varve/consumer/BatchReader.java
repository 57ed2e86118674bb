package io.varve.consumer;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordCursor;

/**
 * Points a {@link RecordCursor} at the records of a validated batch. Uncompressed batches are read in
 * place.
 *
 * <p>Not thread-safe: one per consumer, used by the polling thread.
 */
final class BatchReader {

    /**
     * Opens {@code batch}, whose header (and CRC when checked) is valid, into {@code cursor}.
     *
     * @return {@link BatchStatus#OK}, or why the records cannot be read
     */
    BatchStatus open(RecordBatchFlyweight batch, RecordCursor cursor) {
        if (batch.compression() > RecordBatchFlyweight.MAX_COMPRESSION_CODEC) {
            return BatchStatus.UNKNOWN_COMPRESSION;
        }
        if (batch.compression() != 0) {
            throw new ConsumerException("compressed record batches (codec " + batch.compression()
                + ") are not supported by this consumer yet");
        }
        cursor.wrap(batch);
        return BatchStatus.OK;
    }
}
