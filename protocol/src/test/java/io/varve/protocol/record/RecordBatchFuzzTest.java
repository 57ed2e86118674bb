package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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

    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordCursor cursor = new RecordCursor();

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

    private void checkBatch(UnsafeBuffer buffer, int available) {
        BatchStatus status = batch.wrap(buffer, 0).validate(available, MAX_BATCH_BYTES);
        assertNotNull(status.reason());
        if (status.isOk() && batch.compression() == 0) {
            assertEquals(batch.recordCount(), walk(cursor.wrap(batch)));
            assertEquals(BatchStatus.OK, cursor.status());
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
