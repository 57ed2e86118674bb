package io.varve.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Keyed batches for compaction tests, built by the official {@code kafka-clients}, and the log read
 * back through kafka-clients too (every batch CRC-checked): the oracle for what the cleaner writes.
 */
final class CompactionBatches {

    private CompactionBatches() {
    }

    /** One record read back: its offset, key, and value (null for a tombstone). */
    record Rec(long offset, String key, String value) {
    }

    /** A batch of (key, value) pairs; a null value is a tombstone, a null key a record without key. */
    static UnsafeBuffer keyed(Compression compression, long timestamp, String... keysAndValues) {
        return keyed(compression, timestamp, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
            RecordBatch.NO_SEQUENCE, keysAndValues);
    }

    /** {@link #keyed(Compression, long, String...)} of an idempotent producer. */
    static UnsafeBuffer keyed(Compression compression, long timestamp, long producerId, short epoch, int baseSequence,
                              String... keysAndValues) {
        int capacity = 1024;
        for (String s : keysAndValues) {
            capacity += s == null ? 0 : s.length() + 16;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(capacity), RecordBatch.CURRENT_MAGIC_VALUE,
            compression, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.append(timestamp, bytes(keysAndValues[i]), bytes(keysAndValues[i + 1]));
        }
        ByteBuffer built = builder.build().buffer();
        byte[] copy = new byte[built.remaining()];
        built.get(copy);
        return new UnsafeBuffer(copy);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every record from the log start to the log end, one segment read at a time. */
    static List<Rec> records(PartitionLog log) {
        List<Rec> records = new ArrayList<>();
        for (RecordBatch batch : batches(log)) {
            for (Record record : batch) {
                records.add(new Rec(record.offset(), string(record.key()), string(record.value())));
            }
        }
        return records;
    }

    /** Every batch from the log start to the log end, checked valid and in offset order by kafka-clients. */
    static List<RecordBatch> batches(PartitionLog log) {
        List<RecordBatch> batches = new ArrayList<>();
        long offset = log.logStartOffset();
        for (int guard = 0; guard < 100_000 && offset < log.logEndOffset(); guard++) {
            try (LogSlice slice = log.read(offset, Integer.MAX_VALUE)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    throw new AssertionError("read at " + offset + " gave " + slice);
                }
                for (RecordBatch batch : TestBatches.parse(slice)) {
                    if (batch.nextOffset() <= offset) {
                        throw new AssertionError("batch " + batch + " does not move past " + offset);
                    }
                    batches.add(batch);
                    offset = batch.nextOffset();
                }
            }
        }
        return batches;
    }

    private static String string(ByteBuffer buffer) {
        return buffer == null ? null : StandardCharsets.UTF_8.decode(buffer).toString();
    }
}
