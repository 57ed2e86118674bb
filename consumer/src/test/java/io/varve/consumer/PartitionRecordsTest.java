package io.varve.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lazy parsing of one partition's fetched bytes: positions inside batches, limits, control batches, corruption. */
class PartitionRecordsTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** Batches of the given sizes from offset 0, optionally with a control batch after the first. */
    private static ByteBuffer batches(List<Integer> sizes, boolean controlAfterFirst) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[1 << 20]);
        RecordBatchBuilder b = new RecordBatchBuilder();
        int at = 0;
        long offset = 0;
        for (int i = 0; i < sizes.size(); i++) {
            b.wrap(buffer, at, buffer.capacity() - at).baseOffset(offset);
            for (int r = 0; r < sizes.get(i); r++, offset++) {
                b.append(100 + offset, null, ("v" + offset).getBytes(StandardCharsets.UTF_8));
            }
            at += b.build();
            if (i == 0 && controlAfterFirst) {
                b.wrap(buffer, at, buffer.capacity() - at).baseOffset(offset).controlBatch(true);
                b.append(0, new byte[4], new byte[6]);
                at += b.build();
                offset++;
            }
        }
        return ByteBuffer.wrap(buffer.byteArray(), 0, at);
    }

    private static List<Long> drainAll(PartitionRecords pr, long position, int perPoll) {
        List<Long> offsets = new ArrayList<>();
        while (!pr.isExhausted()) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            position = pr.drain(position, perPoll, new ByteArrayDeserializer(), new ByteArrayDeserializer(), out);
            assertTrue(out.size() <= perPoll, "never more than asked");
            out.forEach(r -> offsets.add(r.offset()));
        }
        return offsets;
    }

    @Property(tries = 200)
    void returnsExactlyTheOffsetsFromThePositionInOrder(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 9) Integer> sizes,
            @ForAll @IntRange(min = 0, max = 120) int seek, @ForAll @IntRange(min = 1, max = 25) int perPoll) {
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        long position = Math.min(seek, total);
        PartitionRecords pr = new PartitionRecords(TP, 0, batches(sizes, false), true, new BatchReader(1 << 20));
        assertEquals(LongStream.range(position, total).boxed().toList(), drainAll(pr, position, perPoll));
    }

    @Test
    void controlBatchesAreSkippedAndThePositionStepsOverThem() {
        PartitionRecords pr = new PartitionRecords(TP, 0, batches(List.of(2, 2), true), true, new BatchReader(1 << 20));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = pr.drain(0, 100, new ByteArrayDeserializer(), new ByteArrayDeserializer(), out);
        assertEquals(List.of(0L, 1L, 3L, 4L), out.stream().map(ConsumerRecord::offset).toList());
        assertEquals(5L, next);
    }

    @Test
    void aBatchCutOffAtTheEndOfTheResponseEndsTheData() {
        ByteBuffer whole = batches(List.of(3, 3), false);
        ByteBuffer cut = ByteBuffer.wrap(whole.array(), 0, whole.remaining() - 5);
        PartitionRecords pr = new PartitionRecords(TP, 0, cut, true, new BatchReader(1 << 20));
        assertEquals(List.of(0L, 1L, 2L), drainAll(pr, 0, 10));
    }

    /**
     * Kafka cuts a partition's records at max.partition.fetch.bytes, mid-batch. When the cut leaves only
     * the first bytes of the next header, those are the high bytes of a big-endian base offset: zeros
     * for any offset below 2^16. That is a cut-off batch (end of data), not a zero-filled log tail
     * (seen against Kafka 4.3.1 at offset 1011 after a 1 MiB fetch).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 5, 6, 7, 8, 12, 60})
    void aCutThatLeavesOnlyTheZeroHighBytesOfTheNextBaseOffsetEndsTheData(int bytesOfNextBatch) {
        ByteBuffer whole = batches(List.of(3, 3), false);
        int firstBatchBytes = new io.varve.protocol.record.RecordBatchFlyweight()
            .wrap(new UnsafeBuffer(whole.array()), 0).sizeInBytes();
        ByteBuffer cut = ByteBuffer.wrap(whole.array(), 0, firstBatchBytes + bytesOfNextBatch);
        PartitionRecords pr = new PartitionRecords(TP, 0, cut, true, new BatchReader(1 << 20));
        assertEquals(List.of(0L, 1L, 2L), drainAll(pr, 0, 10));
        PartitionRecords unchecked = new PartitionRecords(TP, 0, cut, false, new BatchReader(1 << 20));
        assertEquals(List.of(0L, 1L, 2L), drainAll(unchecked, 0, 10));
    }

    @Test
    void aFirstBatchCutOffIsCorruptNotTheEndOfData() {
        ByteBuffer whole = batches(List.of(3), false);
        PartitionRecords pr = new PartitionRecords(TP, 0, ByteBuffer.wrap(whole.array(), 0, 30), true, new BatchReader(1 << 20));
        assertThrows(CorruptRecordException.class, () -> drainAll(pr, 0, 10));
    }

    @Test
    void aFlippedByteFailsTheCrcCheckUnlessCheckCrcsIsOff() {
        ByteBuffer bytes = batches(List.of(3), false);
        int last = bytes.remaining() - 2;
        bytes.array()[last] ^= 0x01;
        PartitionRecords checked = new PartitionRecords(TP, 0, bytes, true, new BatchReader(1 << 20));
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> drainAll(checked, 0, 10));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        PartitionRecords unchecked = new PartitionRecords(TP, 0, bytes, false, new BatchReader(1 << 20));
        assertEquals(List.of(0L, 1L, 2L), drainAll(unchecked, 0, 10));
    }

    /** A batch compressed by kafka-clients itself, of {@code count} records from {@code baseOffset}. */
    private static ByteBuffer kafkaBatch(CompressionType type, long baseOffset, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            long offset = baseOffset + i;
            records[i] = new SimpleRecord(100 + offset, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                ("value-" + offset + "-" + "z".repeat(200)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.of(type).build(), records).buffer();
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void batchesCompressedByKafkaClientsAreInflatedAndReadFromThePosition(CompressionType type) {
        PartitionRecords pr = new PartitionRecords(TP, 0, kafkaBatch(type, 0, 50), true, new BatchReader(1 << 20));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = pr.drain(17, 1_000, new ByteArrayDeserializer(), new ByteArrayDeserializer(), out);
        assertEquals(LongStream.range(17, 50).boxed().toList(), out.stream().map(ConsumerRecord::offset).toList());
        assertEquals("k17", new String(out.get(0).key(), StandardCharsets.UTF_8));
        assertEquals(117L, out.get(0).timestamp());
        assertEquals(50L, next);
    }

    @Test
    void aBatchThatInflatesPastTheLimitIsRefusedAsCorrupt() {
        ByteBuffer bomb = kafkaBatch(CompressionType.GZIP, 0, 500); // ~110 KB of records, a few KB compressed
        PartitionRecords pr = new PartitionRecords(TP, 0, bomb, true, new BatchReader(16 * 1024));
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> drainAll(pr, 0, 10));
        assertTrue(e.getMessage().contains("max.decompressed.batch.bytes"), e.getMessage());
    }

    @Test
    void partitionsSharingTheDecompressionBufferTakeTurnsWithoutMixingRecords() {
        BatchReader shared = new BatchReader(1 << 20);
        PartitionRecords a = new PartitionRecords(TP, 0, kafkaBatch(CompressionType.LZ4, 0, 30), true, shared);
        PartitionRecords b = new PartitionRecords(new TopicPartition("t", 1), 0, kafkaBatch(CompressionType.ZSTD, 100, 30), true, shared);
        List<Long> fromA = new ArrayList<>();
        List<Long> fromB = new ArrayList<>();
        long posA = 0;
        long posB = 100;
        while (!a.isExhausted() || !b.isExhausted()) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            posA = a.drain(posA, 7, new ByteArrayDeserializer(), new ByteArrayDeserializer(), out);
            out.forEach(r -> fromA.add(r.offset()));
            out.clear();
            posB = b.drain(posB, 7, new ByteArrayDeserializer(), new ByteArrayDeserializer(), out);
            out.forEach(r -> fromB.add(r.offset()));
        }
        assertEquals(LongStream.range(0, 30).boxed().toList(), fromA);
        assertEquals(LongStream.range(100, 130).boxed().toList(), fromB);
    }
}
