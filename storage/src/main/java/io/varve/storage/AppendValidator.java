package io.varve.storage;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordBatchReader;
import io.varve.protocol.record.RecordCursor;
import io.varve.storage.AppendResult.AppendError;
import org.agrona.DirectBuffer;

/**
 * Checks every batch of an append before the log writes any of them (an append is all or nothing):
 * header, lengths, magic, CRC32C, records, {@code message.max.bytes}, and for a follower that the
 * offsets move forward from the log end. Allocates nothing when the batches are valid and uncompressed.
 *
 * <p>Compressed batches are stored as produced, but their records are checked too: the payload is
 * inflated into a buffer of at most {@link #maxDecompressedBytes(int)} ({@value #DECOMPRESSION_RATIO_MAX}
 * times {@code message.max.bytes}, at most {@value #MAX_DECOMPRESSED_BYTES_CEILING} bytes) and walked
 * like an uncompressed batch's records. A payload that inflates past the limit (a decompression bomb) or
 * is not a well-formed stream of its codec is a corrupt record, and nothing of the append is written.
 * The buffer is given back after a batch that needed more than
 * {@link RecordBatchFlyweight#RETAINED_DECOMPRESSION_BYTES}.
 *
 * <p>A compacted log ({@code cleanup.policy} holds compact) also refuses a batch holding a record without
 * a key, as Kafka does ({@link BatchStatus#MISSING_KEY}, answered as INVALID_RECORD): compaction keeps the
 * last record per key, and a record without one has no place in it. That check walks the records once
 * more (inflating a compressed batch again).
 *
 * <p>Not thread-safe: it reuses one flyweight; the log calls it under its lock.
 */
final class AppendValidator {

    /**
     * How many times {@code message.max.bytes} a compressed batch's records may inflate to: above the
     * 10-20x that text and JSON reach with zstd or gzip, far below what a bomb needs.
     */
    static final int DECOMPRESSION_RATIO_MAX = 64;
    /** The most decompressed bytes held for one batch, whatever {@code message.max.bytes} is. */
    static final int MAX_DECOMPRESSED_BYTES_CEILING = 256 << 20;

    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final int maxBatchBytes;
    private final int maxDecompressedBytes;
    private final boolean requireKeys;
    private RecordBatchReader keyReader;

    AppendValidator(int maxBatchBytes) {
        this(maxBatchBytes, maxDecompressedBytes(maxBatchBytes), false);
    }

    /** @param requireKeys refuse records without a key (a compacted log) */
    AppendValidator(int maxBatchBytes, boolean requireKeys) {
        this(maxBatchBytes, maxDecompressedBytes(maxBatchBytes), requireKeys);
    }

    AppendValidator(int maxBatchBytes, int maxDecompressedBytes) {
        this(maxBatchBytes, maxDecompressedBytes, false);
    }

    AppendValidator(int maxBatchBytes, int maxDecompressedBytes, boolean requireKeys) {
        if (maxBatchBytes < 0 || maxDecompressedBytes < 0) {
            throw new IllegalArgumentException("maxBatchBytes " + maxBatchBytes + ", maxDecompressedBytes "
                + maxDecompressedBytes);
        }
        this.maxBatchBytes = maxBatchBytes;
        this.maxDecompressedBytes = maxDecompressedBytes;
        this.requireKeys = requireKeys;
    }

    /** The limit on a compressed batch's decompressed records for a log whose largest batch is {@code maxBatchBytes}. */
    static int maxDecompressedBytes(int maxBatchBytes) {
        return (int) Math.min(MAX_DECOMPRESSED_BYTES_CEILING, (long) maxBatchBytes * DECOMPRESSION_RATIO_MAX);
    }

    int maxDecompressedBytes() {
        return maxDecompressedBytes;
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
                status = batch.validateRecords(maxDecompressedBytes);
            }
            if (status.isOk() && requireKeys && leader && !batch.isControlBatch()) {
                status = checkKeys();
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

    /** {@link BatchStatus#MISSING_KEY} if a record of the (valid) batch has no key. */
    private BatchStatus checkKeys() {
        if (keyReader == null) {
            keyReader = new RecordBatchReader();
        }
        BatchStatus status = keyReader.open(batch, maxDecompressedBytes);
        if (status.isOk()) {
            RecordCursor records = keyReader.cursor();
            while (records.next()) {
                if (records.keyLength() < 0) {
                    status = BatchStatus.MISSING_KEY;
                    break;
                }
            }
        }
        keyReader.trim(RecordBatchFlyweight.RETAINED_DECOMPRESSION_BYTES);
        return status;
    }
}
