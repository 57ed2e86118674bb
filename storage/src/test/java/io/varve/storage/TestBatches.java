package io.varve.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Record batches for storage tests, built and read back by the official {@code kafka-clients}:
 * the oracle for the bytes the log stores.
 */
final class TestBatches {

    private TestBatches() {
    }

    /** One uncompressed batch with a record per value, all at {@code timestamp}. */
    static UnsafeBuffer batch(long timestamp, String... values) {
        return batch(timestamp, 0, values);
    }

    /** One uncompressed batch whose records carry {@code padding} extra value bytes each. */
    static UnsafeBuffer batch(long timestamp, int padding, String... values) {
        int capacity = 256 + values.length * (64 + padding);
        for (String value : values) {
            capacity += value.length();
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(capacity), Compression.NONE,
            TimestampType.CREATE_TIME, 0L);
        for (String value : values) {
            byte[] bytes = (value + "#".repeat(padding)).getBytes(StandardCharsets.UTF_8);
            builder.append(timestamp, ("k-" + value).getBytes(StandardCharsets.UTF_8), bytes);
        }
        ByteBuffer built = builder.build().buffer();
        byte[] copy = new byte[built.remaining()];
        built.get(copy);
        return new UnsafeBuffer(copy);
    }

    /**
     * One uncompressed batch of an idempotent producer: {@code records} records from sequence
     * {@code baseSequence}, all at {@code timestamp}, built by kafka-clients.
     */
    static UnsafeBuffer idempotent(long producerId, short epoch, int baseSequence, long timestamp, int records) {
        SimpleRecord[] simple = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            simple[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8),
                ("p" + producerId + "-e" + epoch + "-s" + (baseSequence + i)).getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer built = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, simple)
            .buffer();
        byte[] copy = new byte[built.remaining()];
        built.get(copy);
        return new UnsafeBuffer(copy);
    }

    /** The batches concatenated: one append request with several batches. */
    static UnsafeBuffer concat(UnsafeBuffer... batches) {
        int total = 0;
        for (UnsafeBuffer batch : batches) {
            total += batch.capacity();
        }
        UnsafeBuffer all = new UnsafeBuffer(new byte[total]);
        int position = 0;
        for (UnsafeBuffer batch : batches) {
            all.putBytes(position, batch, 0, batch.capacity());
            position += batch.capacity();
        }
        return all;
    }

    /** Appends {@code batch} as leader at {@code epoch} and insists it worked. */
    static AppendResult append(PartitionLog log, UnsafeBuffer batch, int epoch) {
        AppendResult result = log.append(batch, 0, batch.capacity(), epoch);
        if (!result.isOk()) {
            throw new AssertionError("append failed: " + result);
        }
        return result;
    }

    /** The batches of a slice, parsed by kafka-clients from a heap copy, each checked valid. */
    static List<RecordBatch> parse(LogSlice slice) {
        byte[] copy = new byte[slice.sizeInBytes()];
        slice.buffer().getBytes(0, copy);
        List<RecordBatch> batches = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(copy)).batches()) {
            batch.ensureValid();
            batches.add(batch);
        }
        return batches;
    }

    /** Every record value of a slice, in order. */
    static List<String> values(LogSlice slice) {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : parse(slice)) {
            for (Record record : batch) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString().replaceAll("#+$", ""));
            }
        }
        return values;
    }

    /** Every offset of a slice, in order. */
    static List<Long> offsets(LogSlice slice) {
        List<Long> offsets = new ArrayList<>();
        for (RecordBatch batch : parse(slice)) {
            for (Record record : batch) {
                offsets.add(record.offset());
            }
        }
        return offsets;
    }

    /**
     * A batch as kafka-clients reads it back: what a recovery test compares with what it wrote.
     *
     * @param baseOffset   the batch's first offset
     * @param maxTimestamp the largest record timestamp
     * @param epoch        the partition leader epoch stamped on it
     * @param values       the record values, padding stripped
     */
    record Stored(long baseOffset, long maxTimestamp, int epoch, List<String> values) {

        long nextOffset() {
            return baseOffset + values.size();
        }
    }

    /** {@link Stored} form of one parsed batch. */
    static Stored stored(RecordBatch batch) {
        List<String> values = new ArrayList<>();
        for (Record record : batch) {
            values.add(StandardCharsets.UTF_8.decode(record.value()).toString().replaceAll("#+$", ""));
        }
        return new Stored(batch.baseOffset(), batch.maxTimestamp(), batch.partitionLeaderEpoch(), values);
    }

    /**
     * Every whole batch from the one containing {@code from} to the log end, read one segment at a
     * time and parsed (CRC checked) by kafka-clients.
     */
    static List<Stored> readBatches(PartitionLog log, long from) {
        List<Stored> batches = new ArrayList<>();
        long offset = from;
        for (int guard = 0; guard < 100_000 && offset < log.logEndOffset(); guard++) {
            try (LogSlice slice = log.read(offset, Integer.MAX_VALUE)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    throw new AssertionError("read at " + offset + " gave " + slice);
                }
                for (RecordBatch batch : parse(slice)) {
                    batches.add(stored(batch));
                    offset = batch.nextOffset();
                }
            }
        }
        return batches;
    }

    /** Reads the whole log from {@code from}, one segment read at a time, and returns all values. */
    static List<String> readAll(PartitionLog log, long from) {
        List<String> values = new ArrayList<>();
        long offset = from;
        for (int guard = 0; guard < 100_000 && offset < log.logEndOffset(); guard++) {
            try (LogSlice slice = log.read(offset, Integer.MAX_VALUE)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    throw new AssertionError("read at " + offset + " gave " + slice);
                }
                List<RecordBatch> batches = parse(slice);
                for (RecordBatch batch : batches) {
                    for (Record record : batch) {
                        if (record.offset() >= offset) {
                            values.add(StandardCharsets.UTF_8.decode(record.value()).toString().replaceAll("#+$", ""));
                        }
                    }
                }
                offset = batches.get(batches.size() - 1).nextOffset();
            }
        }
        return values;
    }
}
