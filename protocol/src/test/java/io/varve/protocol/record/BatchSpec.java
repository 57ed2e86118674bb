package io.varve.protocol.record;

import io.varve.protocol.record.compress.CompressionType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The test's description of one batch, buildable by Kafka's {@link MemoryRecordsBuilder} (the oracle)
 * and by our {@link RecordBatchBuilder}, so each side can parse what the other built.
 */
record BatchSpec(String name, long baseOffset, int partitionLeaderEpoch, long producerId, short producerEpoch,
                 int baseSequence, boolean transactional, long logAppendTimeMs, List<Rec> records) {

    record Hdr(String key, byte[] value) {
        byte[] keyBytes() {
            return key.getBytes(StandardCharsets.UTF_8);
        }
    }

    record Rec(long timestampMs, byte[] key, byte[] value, List<Hdr> headers) {
    }

    static BatchSpec plain(String name, List<Rec> records) {
        return new BatchSpec(name, 0, RecordBatch.NO_PARTITION_LEADER_EPOCH, RecordBatch.NO_PRODUCER_ID,
            RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, RecordBatch.NO_TIMESTAMP, records);
    }

    BatchSpec withProducer(long id, short epoch, int sequence, boolean txn) {
        return new BatchSpec(name, baseOffset, partitionLeaderEpoch, id, epoch, sequence, txn, logAppendTimeMs, records);
    }

    BatchSpec withOffsetAndEpoch(long offset, int epoch) {
        return new BatchSpec(name, offset, epoch, producerId, producerEpoch, baseSequence, transactional,
            logAppendTimeMs, records);
    }

    BatchSpec withLogAppendTime(long timeMs) {
        return new BatchSpec(name, baseOffset, partitionLeaderEpoch, producerId, producerEpoch, baseSequence,
            transactional, timeMs, records);
    }

    boolean isLogAppendTime() {
        return logAppendTimeMs != RecordBatch.NO_TIMESTAMP;
    }

    long expectedMaxTimestamp() {
        return isLogAppendTime() ? logAppendTimeMs
            : records.stream().mapToLong(Rec::timestampMs).max().orElse(RecordBatch.NO_TIMESTAMP);
    }

    long expectedTimestamp(int index) {
        return isLogAppendTime() ? logAppendTimeMs : records.get(index).timestampMs();
    }

    /** Kafka's bytes for this batch. */
    ByteBuffer buildWithKafka() {
        return buildWithKafka(Compression.NONE);
    }

    /** Kafka's bytes for this batch, its records compressed with {@code compression}. */
    ByteBuffer buildWithKafka(Compression compression) {
        ByteBuffer out = ByteBuffer.allocate(capacityHint());
        MemoryRecordsBuilder builder = MemoryRecords.builder(out, RecordBatch.MAGIC_VALUE_V2, compression,
            isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME, baseOffset,
            logAppendTimeMs, producerId, producerEpoch, baseSequence, transactional, partitionLeaderEpoch);
        for (Rec r : records) {
            Header[] headers = r.headers().stream().map(h -> new RecordHeader(h.key(), h.value())).toArray(Header[]::new);
            builder.append(r.timestampMs(), r.key(), r.value(), headers);
        }
        return builder.build().buffer();
    }

    /** Our bytes for this batch, at {@code offset} inside a larger buffer; returns the size. */
    int buildWithVarve(RecordBatchBuilder builder, UnsafeBuffer buffer, int offset) {
        return buildWithVarve(builder, buffer, offset, CompressionType.NONE);
    }

    /** Our bytes for this batch, compressed with {@code compression}; returns the size. */
    int buildWithVarve(RecordBatchBuilder builder, UnsafeBuffer buffer, int offset, CompressionType compression) {
        builder.wrap(buffer, offset, buffer.capacity() - offset)
            .compression(compression)
            .baseOffset(baseOffset)
            .partitionLeaderEpoch(partitionLeaderEpoch)
            .producer(producerId, producerEpoch, baseSequence)
            .transactional(transactional);
        if (isLogAppendTime()) {
            builder.logAppendTime(logAppendTimeMs);
        }
        for (Rec r : records) {
            for (Hdr h : r.headers()) {
                builder.header(h.keyBytes(), h.value());
            }
            builder.append(r.timestampMs(), r.key(), r.value());
        }
        return builder.build();
    }

    int capacityHint() {
        int size = RecordBatchFlyweight.HEADER_SIZE;
        for (Rec r : records) {
            size += 40 + (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
            for (Hdr h : r.headers()) {
                size += 20 + h.keyBytes().length + (h.value() == null ? 0 : h.value().length);
            }
        }
        return size;
    }

    static List<Hdr> headers(int count) {
        List<Hdr> headers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            headers.add(new Hdr(i == 0 ? "" : "h-" + i + "-é", i % 3 == 1 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    @Override
    public String toString() {
        return name;
    }
}
