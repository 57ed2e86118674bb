package io.varve.storage;

import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.index.OffsetPosition;
import org.agrona.DirectBuffer;

/**
 * What loading a segment reads at a single position of its mapped bytes, so that it never has to read
 * the preallocated space after the data (see {@link LogSegment}): whether a header there is zeros,
 * could be a batch, or is one; and how far batch headers chain from there. Stateless and thread-safe;
 * each method reads only below the {@code limit} it is given.
 */
final class BatchHeaders {

    private static final int HEADER_SIZE = RecordBatchFlyweight.HEADER_SIZE;
    private static final int LOG_OVERHEAD = RecordBatchFlyweight.LOG_OVERHEAD;
    private static final int MIN_BATCH_LENGTH = HEADER_SIZE - LOG_OVERHEAD;

    private BatchHeaders() {
    }

    /** Whether the header at {@code position} (or what is left of one before {@code limit}) is all zeros. */
    static boolean isZeroHeader(DirectBuffer bytes, int position, int limit) {
        int end = Math.min(limit, position + HEADER_SIZE);
        for (int i = position; i < end; i++) {
            if (bytes.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The bytes {@link #isZeroHeader} reads at {@code position}. */
    static int headerBytes(int position, int limit) {
        return Math.max(0, Math.min(HEADER_SIZE, limit - position));
    }

    /**
     * Whether a header that could be right starts at {@code position}: magic 2, a base offset at or
     * after {@code notBefore}, a length that fits below {@code limit}; no CRC. Wraps {@code batch} there.
     */
    static boolean isPlausible(RecordBatchFlyweight batch, DirectBuffer bytes, int position, int limit, long notBefore) {
        if (position < 0 || position + HEADER_SIZE > limit) {
            return false;
        }
        batch.wrap(bytes, position);
        int batchLength = batch.batchLength();
        return batch.magic() == RecordBatchFlyweight.MAGIC && batch.baseOffset() >= notBefore
            && batchLength >= MIN_BATCH_LENGTH && batchLength <= limit - position - LOG_OVERHEAD;
    }

    /** Whether {@code entry} names a whole, valid batch (header and CRC) with an offset at or after {@code notBefore}. */
    static boolean isBatchAt(DirectBuffer bytes, OffsetPosition entry, long notBefore, int limit, int maxBatchBytes) {
        if (entry.position() < 0 || entry.position() >= limit || entry.offset() < notBefore) {
            return false;
        }
        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(bytes, entry.position());
        return batch.validateHeaderAndCrc(limit - entry.position(), maxBatchBytes).isOk()
            && batch.baseOffset() == entry.offset();
    }

    /**
     * The non-zero bytes from {@code from} that batch headers chain over: each header's length leads to
     * the next, until a zero header, the limit, or a header whose length cannot be right (counted as its
     * header's bytes). What a cut at {@code from} removes that is not preallocated zeros, as far as
     * headers tell.
     */
    static int chainedBytes(DirectBuffer bytes, int from, int limit, int maxBatchBytes) {
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int position = from;
        while (position < limit && !isZeroHeader(bytes, position, limit)) {
            int available = limit - position;
            int length = available < LOG_OVERHEAD ? -1 : batch.wrap(bytes, position).batchLength();
            if (length < MIN_BATCH_LENGTH || length > maxBatchBytes) {
                position += headerBytes(position, limit);
                break;
            }
            position += (int) Math.min(available, LOG_OVERHEAD + (long) length);
        }
        return position - from;
    }
}
