package io.varve.broker.metrics;

import io.varve.protocol.record.RecordBatchFlyweight;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * What the Produce and Fetch handlers report per topic: bytes and records appended by producers and
 * served to consumers. An interface without a metrics library in it, so handlers and their tests
 * need none; {@link TopicMetrics} counts it. Implementations must be thread-safe and cheap.
 */
public interface TopicTraffic {

    /** Reports nothing. */
    TopicTraffic NONE = new TopicTraffic() {
        @Override
        public void onProduced(String topic, long bytes, long records) {
        }

        @Override
        public void onFetched(String topic, long bytes, long records) {
        }
    };

    /** A produce appended {@code records} records in {@code bytes} bytes of batches to {@code topic}. */
    void onProduced(String topic, long bytes, long records);

    /** A fetch response carries {@code records} records in {@code bytes} bytes of batches of {@code topic}. */
    void onFetched(String topic, long bytes, long records);

    /**
     * Records in the whole RecordBatch v2 batches of {@code buffer[0, length)}, read from each batch
     * header's record count; a torn or impossible header ends the walk (the bytes were validated at
     * append, so that happens only at the end of a slice).
     */
    static long countRecords(DirectBuffer buffer, int length) {
        long records = 0;
        int position = 0;
        while (length - position >= RecordBatchFlyweight.HEADER_SIZE) {
            int batchLength = buffer.getInt(position + RecordBatchFlyweight.LENGTH_OFFSET, ByteOrder.BIG_ENDIAN);
            int size = RecordBatchFlyweight.LOG_OVERHEAD + batchLength;
            if (batchLength < RecordBatchFlyweight.HEADER_SIZE - RecordBatchFlyweight.LOG_OVERHEAD || size > length - position) {
                break;
            }
            int count = buffer.getInt(position + RecordBatchFlyweight.RECORDS_COUNT_OFFSET, ByteOrder.BIG_ENDIAN);
            records += Math.max(0, count);
            position += size;
        }
        return records;
    }
}
