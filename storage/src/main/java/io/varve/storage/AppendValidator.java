package io.varve.storage;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.AppendResult.AppendError;
import org.agrona.DirectBuffer;

/**
 * Checks every batch of an append before the log writes any of them (an append is all or nothing):
 * header, lengths, magic, CRC32C, records, {@code message.max.bytes}, and for a follower that the
 * offsets move forward from the log end. Allocates nothing when the batches are valid.
 *
 * <p>Not thread-safe: it reuses one flyweight; the log calls it under its lock.
 */
final class AppendValidator {

    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final int maxBatchBytes;

    AppendValidator(int maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * Null when every batch in {@code records[offset, offset+length)} is valid, else the failure to
     * answer with.
     *
     * @param logEndOffset where a follower's first batch may start at the earliest
     * @param leader       whether the log assigns offsets (leader) or keeps the given ones (follower)
     */
    AppendResult validate(DirectBuffer records, int offset, int length, long logEndOffset, boolean leader) {
        if (length <= 0) {
            return AppendResult.failure(AppendError.CORRUPT_RECORD, BatchStatus.TRUNCATED_HEADER);
        }
        long expectedNext = logEndOffset;
        int position = offset;
        int end = offset + length;
        while (position < end) {
            batch.wrap(records, position);
            BatchStatus status = batch.validateHeaderAndCrc(end - position, Integer.MAX_VALUE);
            if (status.isOk() && batch.sizeInBytes() > maxBatchBytes) {
                return AppendResult.failure(AppendError.RECORD_TOO_LARGE, BatchStatus.LENGTH_TOO_LARGE);
            }
            if (status.isOk()) {
                status = batch.validateRecords();
            }
            if (!status.isOk()) {
                return AppendResult.failure(AppendError.CORRUPT_RECORD, status);
            }
            if (!leader) {
                if (batch.baseOffset() < expectedNext) {
                    return AppendResult.failure(AppendError.OFFSET_OUT_OF_ORDER, BatchStatus.OK);
                }
                expectedNext = batch.nextOffset();
            }
            position += batch.sizeInBytes();
        }
        return null;
    }
}
