package io.varve.broker.handler;

import io.varve.broker.replica.Partition;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordBatchReader;
import io.varve.protocol.record.RecordCursor;
import io.varve.storage.LogSlice;
import io.varve.storage.TimestampAndOffset;
import java.util.Optional;

/**
 * Timestamp lookups narrowed from the batch the log's time index finds to the record itself, as
 * Kafka's ListOffsets answers them, compressed batches included (they are decompressed for it, as
 * Kafka does). Stateless; thread-safe.
 */
final class RecordTimestamps {

    /** The most a compressed batch's records may inflate to for a lookup: the largest batch Kafka's clients send is far below. */
    private static final int MAX_DECOMPRESSED_BYTES = 64 << 20;

    private RecordTimestamps() {
    }

    /** The first record (below the high-water mark) whose timestamp is at or after {@code timestamp}. */
    static Optional<TimestampAndOffset> firstAtOrAfter(Partition partition, long timestamp) {
        Optional<TimestampAndOffset> batchHit = partition.log().offsetForTimestamp(timestamp);
        if (batchHit.isEmpty() || batchHit.get().offset() >= partition.highWatermark()) {
            return Optional.empty();
        }
        TimestampAndOffset hit = batchHit.get();
        try (LogSlice slice = partition.read(hit.offset(), 1)) {
            if (slice.isEmpty()) {
                return Optional.empty();
            }
            RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(slice.buffer(), 0);
            RecordBatchReader reader = new RecordBatchReader();
            if (reader.open(batch, MAX_DECOMPRESSED_BYTES) != BatchStatus.OK) {
                return Optional.of(hit); // a batch that cannot be read here: exact to the batch
            }
            RecordCursor records = reader.cursor();
            while (records.next()) {
                if (records.timestamp() >= timestamp && records.offset() >= partition.logStartOffset()) {
                    return Optional.of(new TimestampAndOffset(records.timestamp(), records.offset(), hit.leaderEpoch()));
                }
            }
            return Optional.of(hit);
        }
    }

    /** The first record carrying the largest timestamp in the log. */
    static Optional<TimestampAndOffset> maxTimestamp(Partition partition) {
        long largest = partition.log().largestTimestamp();
        return largest < 0 ? Optional.empty() : firstAtOrAfter(partition, largest);
    }
}
