package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fuzzes the decoders with Jazzer. Under a plain {@code mvn verify} (no {@code JAZZER_FUZZ}) each
 * method runs once per seed in {@code RecordBatchFuzzTestInputs/<method>/} and on an empty input:
 * regression mode, with Jazzer's hooks off ({@code junit-platform.properties}) so it costs under a
 * second. To fuzz one method for its {@code maxDuration}, turn the hooks back on, or Jazzer gets no
 * coverage feedback:
 * {@code JAZZER_FUZZ=1 mvn -pl protocol -am test -Djazzer.hooks=true
 * -Dtest='RecordBatchFuzzTest#arbitraryBytesAsABatch' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>The contract under test: any bytes give a verdict, never an exception, and a batch that passes
 * validation can be walked completely.
 */
class RecordBatchFuzzTest {

    private static final int MAX_BATCH_BYTES = 1 << 20;
    private static final int MAX_DECOMPRESSED_BYTES = 4 << 20;

    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordCursor cursor = new RecordCursor();
    private final RecordBatchReader reader = new RecordBatchReader();

    /** Arbitrary bytes as a batch: almost always rejected at the header or CRC. */
    @FuzzTest(maxDuration = "60s")
    void arbitraryBytesAsABatch(byte[] data) {
        checkBatch(new UnsafeBuffer(data), data.length);
    }

    /** Arbitrary bytes as the records of a batch whose header, length and CRC are right. */
    @FuzzTest(maxDuration = "60s")
    void arbitraryRecordsInsideAValidHeader(byte[] records) {
        int count = records.length == 0 ? 0 : records[0] & 0x0F;
        UnsafeBuffer b = RawBatch.of(count, count - 1, 0, records);
        checkBatch(b, b.capacity());
    }

    /**
     * Arbitrary bytes as the compressed records of a batch whose header and CRC are right: the first
     * byte picks the codec (1-4) and the record count. A verdict within the decompression limit, never
     * an exception; a batch that passes reads back completely.
     */
    @FuzzTest(maxDuration = "60s")
    void arbitraryCompressedRecordsInsideAValidHeader(byte[] data) {
        int codec = data.length == 0 ? 1 : 1 + (data[0] & 0x03);
        int count = data.length == 0 ? 0 : (data[0] >> 2) & 0x0F;
        byte[] payload = data.length == 0 ? data : java.util.Arrays.copyOfRange(data, 1, data.length);
        UnsafeBuffer b = RawBatch.of(count, count - 1, codec, payload);
        checkBatch(b, b.capacity());
        assertTrue(reader.decompressionCapacityBytes() <= MAX_DECOMPRESSED_BYTES);
    }

    private void checkBatch(UnsafeBuffer buffer, int available) {
        BatchStatus status = batch.wrap(buffer, 0).validate(available, MAX_BATCH_BYTES, MAX_DECOMPRESSED_BYTES);
        assertNotNull(status.reason());
        if (available >= RecordBatchFlyweight.HEADER_SIZE && batch.compression() == 0) {
            // Without compression, the limit plays no part: both entry points give the same verdict.
            assertEquals(status, batch.validate(available, MAX_BATCH_BYTES));
        }
        if (status.isOk()) {
            assertEquals(BatchStatus.OK, reader.open(batch, MAX_DECOMPRESSED_BYTES));
            assertEquals(batch.recordCount(), walk(reader.cursor()));
            assertEquals(BatchStatus.OK, reader.cursor().status());
        }
        if (available >= RecordBatchFlyweight.HEADER_SIZE) {
            // The cursor alone over whatever follows a header must stop cleanly too.
            walk(cursor.wrap(buffer, RecordBatchFlyweight.HEADER_SIZE, available, 0, 0, RecordCursor.NO_TIMESTAMP));
        }
    }

    static int walk(RecordCursor cursor) {
        int records = 0;
        while (cursor.next()) {
            RecordCursor.HeaderCursor headers = cursor.headers();
            int seen = 0;
            while (headers.next()) {
                seen++;
            }
            assertEquals(cursor.headerCount(), seen);
            records++;
        }
        return records;
    }
}
