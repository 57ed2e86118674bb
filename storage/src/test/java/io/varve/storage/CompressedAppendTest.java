package io.varve.storage;

import static io.varve.storage.TestBatches.append;
import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.offsets;
import static io.varve.storage.TestBatches.parse;
import static io.varve.storage.TestBatches.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.AppendResult.AppendError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed batches, built by kafka-clients, through the log: stored as produced (same codec, same
 * bytes but the stamped offset and epoch), offsets assigned per record, read back by kafka-clients;
 * and a decompression bomb or a corrupt payload refused as a corrupt record with nothing appended.
 */
class CompressedAppendTest {

    private static final TopicPartition TP = new TopicPartition("events", 0);
    /** {@code message.max.bytes} for the bomb tests: the decompression limit is 64 times it, 4 MiB. */
    private static final int SMALL_MAX_MESSAGE_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Map<String, ?> props) throws IOException {
        PartitionLog log = PartitionLog.open(dir.resolve(TP.directoryName()), TP, LogConfig.from(props), clock);
        opened.add(log);
        return log;
    }

    static UnsafeBuffer compressed(Compression compression, long timestamp, byte[]... values) {
        int capacity = 1024;
        for (byte[] v : values) {
            capacity += v.length + 64;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(capacity), compression,
            TimestampType.CREATE_TIME, 0L);
        int i = 0;
        for (byte[] v : values) {
            builder.append(timestamp, ("k-" + i++).getBytes(StandardCharsets.UTF_8), v);
        }
        ByteBuffer built = builder.build().buffer();
        byte[] copy = new byte[built.remaining()];
        built.get(copy);
        return new UnsafeBuffer(copy);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Compression kafka(String name) {
        return switch (name) {
            case "gzip" -> Compression.gzip().build();
            case "snappy" -> Compression.snappy().build();
            case "lz4" -> Compression.lz4().build();
            default -> Compression.zstd().build();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesGetOffsetsPerRecordAndAreStoredAsProduced(String codec) throws IOException {
        PartitionLog log = open(Map.of());
        append(log, batch(1000, "a", "b"), 4);
        UnsafeBuffer produced = compressed(kafka(codec), 2000, utf8("c"), utf8("d"), utf8("e"));
        AppendResult result = append(log, produced, 4);

        assertEquals(2, result.firstOffset());
        assertEquals(4, result.lastOffset());
        assertEquals(3, result.records());
        assertEquals(5, log.logEndOffset());
        try (LogSlice slice = log.read(0, Integer.MAX_VALUE)) {
            List<RecordBatch> batches = parse(slice);
            assertEquals(CompressionType.forName(codec), batches.get(1).compressionType());
            assertEquals(2, batches.get(1).baseOffset());
            assertEquals(4, batches.get(1).partitionLeaderEpoch());
            assertEquals(List.of("a", "b", "c", "d", "e"), values(slice));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(slice));
        }
        try (LogSlice slice = log.read(2, Integer.MAX_VALUE)) {
            // The records section is the producer's compressed bytes, untouched.
            int stored = slice.sizeInBytes();
            assertEquals(produced.capacity(), stored);
            for (int i = RecordBatchFlyweight.RECORDS_OFFSET; i < stored; i++) {
                assertEquals(produced.getByte(i), slice.buffer().getByte(i), "byte " + i);
            }
        }
    }

    @Test
    void theDecompressionLimitIs64TimesTheLargestBatchAtMost256MiB() {
        assertEquals(4 << 20, AppendValidator.maxDecompressedBytes(SMALL_MAX_MESSAGE_BYTES));
        assertEquals(64 * (1024 * 1024 + 12), AppendValidator.maxDecompressedBytes(1024 * 1024 + 12));
        assertEquals(256 << 20, AppendValidator.maxDecompressedBytes(Integer.MAX_VALUE));
    }

    /** Snappy inflates at most about 21 times, under the 64 times limit: its bomb is tested below. */
    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "zstd"})
    void aDecompressionBombIsACorruptRecordAndNothingIsAppended(String codec) throws IOException {
        PartitionLog log = open(Map.of(LogConfig.MESSAGE_MAX_BYTES, SMALL_MAX_MESSAGE_BYTES));
        append(log, batch(1000, "a"), 0);
        UnsafeBuffer bomb = compressed(kafka(codec), 2000, new byte[5 << 20]); // 5 MiB of zeros
        UnsafeBuffer good = batch(3000, "b", "c");
        // A good batch then the bomb, in one append: all or nothing.
        UnsafeBuffer both = new UnsafeBuffer(new byte[good.capacity() + bomb.capacity()]);
        both.putBytes(0, good, 0, good.capacity());
        both.putBytes(good.capacity(), bomb, 0, bomb.capacity());

        for (UnsafeBuffer records : new UnsafeBuffer[] {bomb, both}) {
            AppendResult result = log.append(records, 0, records.capacity(), 0);
            assertEquals(AppendError.CORRUPT_RECORD, result.error(), codec);
            assertEquals(BatchStatus.DECOMPRESSED_TOO_LARGE, result.batchStatus(), codec);
        }
        assertEquals(1, log.logEndOffset());
        append(log, good, 0); // the log is unharmed
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void aSnappyBatchPastAnExplicitLimitIsACorruptRecord() {
        UnsafeBuffer bomb = compressed(Compression.snappy().build(), 2000, new byte[5 << 20]);
        AppendValidator validator = new AppendValidator(1 << 20, 4 << 20);
        AppendResult result = validator.validate(bomb, 0, bomb.capacity(), 0, true);
        assertEquals(AppendError.CORRUPT_RECORD, result.error());
        assertEquals(BatchStatus.DECOMPRESSED_TOO_LARGE, result.batchStatus());
        assertEquals(null, new AppendValidator(1 << 20, 6 << 20).validate(bomb, 0, bomb.capacity(), 0, true));
    }

    @Test
    void aCorruptCompressedPayloadWithARightCrcIsACorruptRecord() throws IOException {
        PartitionLog log = open(Map.of());
        UnsafeBuffer produced = compressed(Compression.gzip().build(), 1000, utf8("a"), utf8("b"));
        // Break the gzip magic, then restamp the CRC so that only decompression can tell.
        int magicAt = RecordBatchFlyweight.RECORDS_OFFSET;
        produced.putByte(magicAt, (byte) (produced.getByte(magicAt) ^ 0xFF));
        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(produced, 0);
        produced.putInt(RecordBatchFlyweight.CRC_OFFSET, batch.computeCrc(), ByteOrder.BIG_ENDIAN);

        AppendResult result = log.append(produced, 0, produced.capacity(), 0);
        assertEquals(AppendError.CORRUPT_RECORD, result.error());
        assertEquals(BatchStatus.DECOMPRESSION_FAILED, result.batchStatus());
        assertEquals(0, log.logEndOffset());
    }
}
