package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.record.BatchSpec.Hdr;
import io.varve.protocol.record.BatchSpec.Rec;
import io.varve.protocol.record.compress.CompressionType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kafka-clients is the oracle for compressed batches, both ways and for every codec: batches its
 * {@code MemoryRecordsBuilder} compresses validate and read back record for record with our
 * {@link RecordBatchReader}, and batches our {@link RecordBatchBuilder} compresses pass its
 * {@code ensureValid} and read back the same through {@link MemoryRecords}.
 */
class CompressionOracleTest {

    private static final int MAX_DECOMPRESSED_BYTES = 64 << 20;

    static Stream<Arguments> shapesAndCodecs() {
        return KafkaOracleTest.shapes().flatMap(spec -> Stream.of(CompressionType.values())
            .filter(type -> type != CompressionType.NONE)
            .map(type -> Arguments.of(type, spec)));
    }

    static Compression kafka(CompressionType type) {
        return switch (type) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.gzip().build();
            case SNAPPY -> Compression.snappy().build();
            case LZ4 -> Compression.lz4().build();
            case ZSTD -> Compression.zstd().build();
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapesAndCodecs")
    void batchesKafkaCompressesReadWithOurReader(CompressionType type, BatchSpec spec) {
        ByteBuffer kafkaBytes = spec.buildWithKafka(kafka(type));
        UnsafeBuffer buffer = new UnsafeBuffer(kafkaBytes.array(), 0, kafkaBytes.limit());
        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(buffer, 0);

        assertEquals(BatchStatus.OK, batch.validate(kafkaBytes.limit(), Integer.MAX_VALUE, MAX_DECOMPRESSED_BYTES));
        assertEquals(type.id(), batch.compression());
        assertEquals(spec.records().size(), batch.recordCount());
        assertEquals(spec.expectedMaxTimestamp(), batch.maxTimestamp());
        RecordBatchReader reader = new RecordBatchReader();
        assertEquals(BatchStatus.OK, reader.open(batch, MAX_DECOMPRESSED_BYTES));
        assertRecordsMatch(spec, reader.cursor());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapesAndCodecs")
    void batchesWeCompressReadWithKafkaMemoryRecords(CompressionType type, BatchSpec spec) {
        int at = 13;
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + roomFor(spec)]);
        int size = spec.buildWithVarve(new RecordBatchBuilder(), buffer, at, type);

        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(buffer.byteArray(), at, size).slice());
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        MutableRecordBatch batch = batches.next();
        assertFalse(batches.hasNext());
        batch.ensureValid();
        assertEquals(size, batch.sizeInBytes());
        assertEquals(type.kafkaName(), batch.compressionType().name);
        assertEquals(spec.baseOffset(), batch.baseOffset());
        assertEquals(spec.baseOffset() + spec.records().size() - 1, batch.lastOffset());
        assertEquals(spec.producerId(), batch.producerId());
        assertEquals(spec.baseSequence(), batch.baseSequence());
        assertEquals(spec.transactional(), batch.isTransactional());
        assertEquals(spec.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
            batch.timestampType());
        assertEquals(spec.expectedMaxTimestamp(), batch.maxTimestamp());
        int i = 0;
        for (Record record : batch) {
            Rec expected = spec.records().get(i);
            record.ensureValid();
            assertEquals(spec.baseOffset() + i, record.offset());
            assertEquals(spec.expectedTimestamp(i), record.timestamp());
            assertArrayEquals(expected.key(), toBytes(record.key()));
            assertArrayEquals(expected.value(), toBytes(record.value()));
            Header[] headers = record.headers();
            assertEquals(expected.headers().size(), headers.length);
            for (int h = 0; h < headers.length; h++) {
                assertEquals(expected.headers().get(h).key(), headers[h].key());
                assertArrayEquals(expected.headers().get(h).value(), headers[h].value());
            }
            i++;
        }
        assertEquals(spec.records().size(), i);
        // And our own validation agrees with Kafka's on our bytes.
        RecordBatchFlyweight ours = new RecordBatchFlyweight().wrap(buffer, at);
        assertEquals(BatchStatus.OK, ours.validate(size, Integer.MAX_VALUE, MAX_DECOMPRESSED_BYTES));
    }

    /** Gzip, snappy and lz4 come out byte for byte as Kafka writes them; zstd differs only in framing choices. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapesAndCodecs")
    void gzipSnappyAndLz4BatchesAreByteForByteKafkas(CompressionType type, BatchSpec spec) {
        if (spec.isLogAppendTime() || type == CompressionType.ZSTD) {
            // Kafka rewrites log-append-time timestamps; Kafka streams zstd in 16 KiB writes while we
            // compress the records in one call, so the frames differ in block layout but not in content.
            return;
        }
        ByteBuffer kafkaBytes = spec.buildWithKafka(kafka(type));
        UnsafeBuffer ours = new UnsafeBuffer(new byte[roomFor(spec)]);
        int size = spec.buildWithVarve(new RecordBatchBuilder(), ours, 0, type);
        byte[] expected = new byte[kafkaBytes.limit()];
        kafkaBytes.duplicate().get(expected);
        byte[] actual = new byte[size];
        ours.getBytes(0, actual);
        assertArrayEquals(expected, actual);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void codecNamesAndIdsAreKafkas(CompressionType type) {
        org.apache.kafka.common.record.internal.CompressionType theirs =
            org.apache.kafka.common.record.internal.CompressionType.forId(type.id());
        assertEquals(theirs.name, type.kafkaName());
        assertEquals(type, CompressionType.forName(theirs.name));
        assertEquals(type, CompressionType.forId(theirs.id));
    }

    @Test
    void truncatedCompressedPayloadsAreRefusedWithAStatus() {
        for (CompressionType type : new CompressionType[] {CompressionType.GZIP, CompressionType.SNAPPY,
            CompressionType.LZ4, CompressionType.ZSTD}) {
            byte[] payload = compressedRecordsOf(type, KafkaOracleTest.shapes()
                .filter(s -> s.name().equals("many records")).findFirst().orElseThrow());
            int count = 1000;
            RecordBatchFlyweight batch = new RecordBatchFlyweight();
            for (int cut = 0; cut < payload.length; cut += Math.max(1, payload.length / 300)) {
                byte[] prefix = java.util.Arrays.copyOf(payload, cut);
                UnsafeBuffer b = RawBatch.of(count, count - 1, type.id(), prefix);
                BatchStatus status = batch.wrap(b, 0).validate(b.capacity(), Integer.MAX_VALUE, MAX_DECOMPRESSED_BYTES);
                assertNotEquals(BatchStatus.OK, status, type + " payload cut to " + cut + " of " + payload.length);
            }
            UnsafeBuffer whole = RawBatch.of(count, count - 1, type.id(), payload);
            assertEquals(BatchStatus.OK, batch.wrap(whole, 0).validate(whole.capacity(), Integer.MAX_VALUE,
                MAX_DECOMPRESSED_BYTES), type + " whole payload");
        }
    }

    @Test
    void corruptedCompressedPayloadsGiveAStatusNeverAnException() {
        for (CompressionType type : new CompressionType[] {CompressionType.GZIP, CompressionType.SNAPPY,
            CompressionType.LZ4, CompressionType.ZSTD}) {
            byte[] payload = compressedRecordsOf(type, KafkaOracleTest.shapes()
                .filter(s -> s.name().equals("many headers")).findFirst().orElseThrow());
            RecordBatchFlyweight batch = new RecordBatchFlyweight();
            int refused = 0;
            for (int i = 0; i < payload.length; i++) {
                byte[] flipped = payload.clone();
                flipped[i] ^= (byte) 0x5A;
                UnsafeBuffer b = RawBatch.of(1, 0, type.id(), flipped);
                BatchStatus status = batch.wrap(b, 0).validate(b.capacity(), Integer.MAX_VALUE, 1 << 20);
                refused += status.isOk() ? 0 : 1;
            }
            // Most flips break the codec stream or the records (lz4 frames as Kafka writes them carry no checksum).
            assertTrue(refused > payload.length / 2, type + ": " + refused + " of " + payload.length + " refused");
        }
    }

    @Test
    void headerKeepsItsCodecAndTheCrcCoversTheCompressedBytes() {
        BatchSpec spec = KafkaOracleTest.shapes().filter(s -> s.name().equals("many records")).findFirst().orElseThrow();
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[roomFor(spec)]);
        int size = spec.buildWithVarve(new RecordBatchBuilder(), buffer, 0, CompressionType.ZSTD);
        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(buffer, 0);
        assertTrue(size < spec.capacityHint() / 4, "1000 similar records compress: " + size);
        assertEquals(CompressionType.ZSTD.id(), batch.compression());
        assertEquals(batch.computeCrc(), batch.crc());
        buffer.putByte(size - 3, (byte) (buffer.getByte(size - 3) ^ 1));
        assertEquals(BatchStatus.CRC_MISMATCH, batch.validate(size, Integer.MAX_VALUE, MAX_DECOMPRESSED_BYTES));
    }

    /** The compressed records section of Kafka's batch for {@code spec}. */
    static byte[] compressedRecordsOf(CompressionType type, BatchSpec spec) {
        ByteBuffer kafkaBytes = spec.buildWithKafka(kafka(type));
        byte[] payload = new byte[kafkaBytes.limit() - RecordBatchFlyweight.RECORDS_OFFSET];
        kafkaBytes.duplicate().position(RecordBatchFlyweight.RECORDS_OFFSET).get(payload);
        return payload;
    }

    /** Room for the batch even if the codec's framing grows incompressible records a little. */
    static int roomFor(BatchSpec spec) {
        return spec.capacityHint() + spec.capacityHint() / 64 + 1024;
    }

    static void assertRecordsMatch(BatchSpec spec, RecordCursor cursor) {
        DirectBuffer buffer = cursor.buffer();
        for (int i = 0; i < spec.records().size(); i++) {
            Rec expected = spec.records().get(i);
            assertTrue(cursor.next(), "record " + i);
            assertEquals(spec.baseOffset() + i, cursor.offset());
            assertEquals(spec.expectedTimestamp(i), cursor.timestamp(), "timestamp of record " + i);
            assertArrayEquals(expected.key(), slice(buffer, cursor.keyOffset(), cursor.keyLength()));
            assertArrayEquals(expected.value(), slice(buffer, cursor.valueOffset(), cursor.valueLength()));
            assertEquals(expected.headers().size(), cursor.headerCount());
            RecordCursor.HeaderCursor headers = cursor.headers();
            for (Hdr h : expected.headers()) {
                assertTrue(headers.next());
                assertEquals(h.key(), new String(slice(buffer, headers.keyOffset(), headers.keyLength()),
                    StandardCharsets.UTF_8));
                assertArrayEquals(h.value(), slice(buffer, headers.valueOffset(), headers.valueLength()));
            }
        }
        assertFalse(cursor.next());
        assertEquals(BatchStatus.OK, cursor.status());
    }

    private static byte[] slice(DirectBuffer buffer, int offset, int length) {
        if (length < 0) {
            return null;
        }
        byte[] out = new byte[length];
        buffer.getBytes(offset, out);
        return out;
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
