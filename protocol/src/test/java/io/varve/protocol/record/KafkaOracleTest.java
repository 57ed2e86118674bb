package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.record.BatchSpec.Hdr;
import io.varve.protocol.record.BatchSpec.Rec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official kafka-clients jar is the oracle: batches it builds must read back field for field
 * with our flyweight and cursor, and batches we build must pass its CRC check and read back the same
 * with its {@link MemoryRecords}. For create-time batches the bytes must be identical.
 */
class KafkaOracleTest {

    private static final long T0 = 1_700_000_000_000L;

    static Stream<BatchSpec> shapes() {
        Random random = new Random(42);
        byte[] large = new byte[256 * 1024];
        random.nextBytes(large);
        List<Rec> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // Timestamps that go back and forth: deltas negative and positive, one- to three-byte varints.
            long ts = T0 + (i % 7 == 0 ? -i * 1000L : i * 37L);
            many.add(new Rec(ts, bytes("k" + i), bytes("value-" + i), BatchSpec.headers(i % 3)));
        }
        return Stream.of(
            BatchSpec.plain("one record", List.of(rec(T0, bytes("key"), bytes("value")))),
            BatchSpec.plain("empty key and value", List.of(rec(T0, new byte[0], new byte[0]))),
            BatchSpec.plain("null key", List.of(rec(T0, null, bytes("v")), rec(T0 + 1, null, bytes("w")))),
            BatchSpec.plain("null value (tombstone)", List.of(rec(T0, bytes("k"), null))),
            BatchSpec.plain("null key and value", List.of(rec(T0, null, null))),
            BatchSpec.plain("large value", List.of(rec(T0, bytes("big"), large), rec(T0 + 5, null, large))),
            BatchSpec.plain("many headers", List.of(new Rec(T0, bytes("k"), bytes("v"), BatchSpec.headers(200)))),
            BatchSpec.plain("many records", many),
            BatchSpec.plain("idempotent", List.of(rec(T0, bytes("a"), bytes("b")), rec(T0, bytes("c"), bytes("d"))))
                .withProducer(123_456_789L, (short) 7, 42, false),
            BatchSpec.plain("transactional", List.of(rec(T0, bytes("a"), bytes("b"))))
                .withProducer(5L, (short) 1, Integer.MAX_VALUE - 1, true),
            BatchSpec.plain("log append time", List.of(rec(T0, bytes("a"), bytes("b")), rec(T0 - 9, null, bytes("c"))))
                .withLogAppendTime(T0 + 12_345),
            BatchSpec.plain("base offset and epoch", List.of(rec(T0, bytes("a"), bytes("b")), rec(T0 + 3, null, null)))
                .withOffsetAndEpoch(1L << 40, 17),
            BatchSpec.plain("no timestamp", List.of(rec(RecordBatch.NO_TIMESTAMP, bytes("a"), bytes("b")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void batchesKafkaBuildsReadWithOurFlyweight(BatchSpec spec) {
        ByteBuffer kafkaBytes = spec.buildWithKafka();
        MutableRecordBatch kafkaBatch = MemoryRecords.readableRecords(kafkaBytes.duplicate()).batches().iterator().next();
        UnsafeBuffer buffer = new UnsafeBuffer(kafkaBytes.array(), 0, kafkaBytes.limit());

        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(buffer, 0);
        assertEquals(BatchStatus.OK, batch.validate(kafkaBytes.limit(), Integer.MAX_VALUE));
        assertEquals(kafkaBytes.limit(), batch.sizeInBytes());
        assertEquals(((org.apache.kafka.common.record.internal.DefaultRecordBatch) kafkaBatch).baseTimestamp(), batch.baseTimestamp());
        assertEquals((int) kafkaBatch.checksum(), batch.crc());
        assertHeaderMatches(spec, batch);
        assertRecordsMatch(spec, buffer, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void batchesWeBuildReadWithKafkaMemoryRecords(BatchSpec spec) {
        int at = 13; // not at the start of the buffer
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + spec.capacityHint()]);
        int size = spec.buildWithVarve(new RecordBatchBuilder(), buffer, at);

        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(buffer.byteArray(), at, size).slice());
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        MutableRecordBatch batch = batches.next();
        assertFalse(batches.hasNext());
        assertTrue(batch.isValid());
        batch.ensureValid();
        assertEquals(size, batch.sizeInBytes());
        assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic());
        assertEquals(CompressionType.NONE, batch.compressionType());
        assertEquals(spec.baseOffset(), batch.baseOffset());
        assertEquals(spec.baseOffset() + spec.records().size() - 1, batch.lastOffset());
        assertEquals(spec.partitionLeaderEpoch(), batch.partitionLeaderEpoch());
        assertEquals(spec.producerId(), batch.producerId());
        assertEquals(spec.producerEpoch(), batch.producerEpoch());
        assertEquals(spec.baseSequence(), batch.baseSequence());
        assertEquals(spec.transactional(), batch.isTransactional());
        assertFalse(batch.isControlBatch());
        assertEquals(spec.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
            batch.timestampType());
        assertEquals(spec.expectedMaxTimestamp(), batch.maxTimestamp());
        assertEquals(spec.records().size(), batch.countOrNull());

        int i = 0;
        for (Record record : batch) {
            Rec expected = spec.records().get(i);
            record.ensureValid();
            assertEquals(spec.baseOffset() + i, record.offset(), "offset of record " + i);
            assertEquals(spec.expectedTimestamp(i), record.timestamp(), "timestamp of record " + i);
            assertArrayEquals(expected.key(), toBytes(record.key()), "key of record " + i);
            assertArrayEquals(expected.value(), toBytes(record.value()), "value of record " + i);
            Header[] headers = record.headers();
            assertEquals(expected.headers().size(), headers.length);
            for (int h = 0; h < headers.length; h++) {
                assertEquals(expected.headers().get(h).key(), headers[h].key());
                assertArrayEquals(expected.headers().get(h).value(), headers[h].value());
            }
            i++;
        }
        assertEquals(spec.records().size(), i);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void createTimeBatchesAreByteForByteKafkas(BatchSpec spec) {
        if (spec.isLogAppendTime()) {
            return; // Kafka rewrites record timestamps under log-append time; compared field by field above.
        }
        ByteBuffer kafkaBytes = spec.buildWithKafka();
        UnsafeBuffer ours = new UnsafeBuffer(new byte[spec.capacityHint()]);
        int size = spec.buildWithVarve(new RecordBatchBuilder(), ours, 0);
        assertEquals(kafkaBytes.limit(), size);
        byte[] expected = new byte[size];
        kafkaBytes.duplicate().get(expected);
        byte[] actual = new byte[size];
        ours.getBytes(0, actual);
        assertArrayEquals(expected, actual);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void offHeapBatchesValidateToo(BatchSpec spec) {
        ByteBuffer kafkaBytes = spec.buildWithKafka();
        ByteBuffer direct = ByteBuffer.allocateDirect(kafkaBytes.limit());
        direct.put(kafkaBytes.duplicate()).flip();
        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(new UnsafeBuffer(direct), 0);
        assertEquals(BatchStatus.OK, batch.validate(direct.limit(), Integer.MAX_VALUE));
    }

    private static void assertHeaderMatches(BatchSpec spec, RecordBatchFlyweight batch) {
        assertEquals(RecordBatchFlyweight.MAGIC, batch.magic());
        assertEquals(0, batch.compression());
        assertEquals(spec.baseOffset(), batch.baseOffset());
        assertEquals(spec.partitionLeaderEpoch(), batch.partitionLeaderEpoch());
        assertEquals(spec.records().size() - 1, batch.lastOffsetDelta());
        assertEquals(spec.records().size(), batch.recordCount());
        assertEquals(spec.expectedMaxTimestamp(), batch.maxTimestamp());
        assertEquals(spec.producerId(), batch.producerId());
        assertEquals(spec.producerEpoch(), batch.producerEpoch());
        assertEquals(spec.baseSequence(), batch.baseSequence());
        assertEquals(spec.transactional(), batch.isTransactional());
        assertEquals(spec.isLogAppendTime(), batch.isLogAppendTime());
        assertFalse(batch.isControlBatch());
        assertEquals(batch.computeCrc(), batch.crc());
    }

    private static void assertRecordsMatch(BatchSpec spec, DirectBuffer buffer, RecordBatchFlyweight batch) {
        RecordCursor cursor = new RecordCursor().wrap(batch);
        for (int i = 0; i < spec.records().size(); i++) {
            Rec expected = spec.records().get(i);
            assertTrue(cursor.next(), "record " + i);
            assertEquals(i, cursor.offsetDelta());
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
            assertFalse(headers.next());
        }
        assertFalse(cursor.next());
        assertEquals(BatchStatus.OK, cursor.status());
        assertEquals(batch.offset() + batch.sizeInBytes(), cursor.nextRecordOffset());
    }

    private static Rec rec(long timestampMs, byte[] key, byte[] value) {
        return new Rec(timestampMs, key, value, List.of());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
