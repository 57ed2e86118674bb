package io.varve.consumer;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordCursor;
import io.varve.protocol.record.compress.CompressionType;
import io.varve.protocol.record.compress.DecompressionStatus;
import io.varve.protocol.record.compress.RecordDecompressor;

/**
 * Points a {@link RecordCursor} at the records of a validated batch. Uncompressed batches are read in
 * place; compressed ones (gzip, snappy, lz4, zstd) are inflated into one buffer that this reader owns
 * and that never grows past {@code max.decompressed.batch.bytes}: a batch that would inflate further
 * (a decompression bomb) or does not inflate is refused, never guessed around.
 *
 * <p>The buffer serves one batch at a time. {@link #holds(Object)} tells a caller whether the
 * decompressed bytes its cursor points at are still its own, or whether another partition's batch has
 * replaced them since (then the caller opens its batch again).
 *
 * <p>Not thread-safe: one per consumer, used by the polling thread.
 */
final class BatchReader {

    private final RecordDecompressor decompressor = new RecordDecompressor();
    private final int maxDecompressedBytes;
    private Object owner;

    /** @param maxDecompressedBytes the most bytes one batch's records may inflate to */
    BatchReader(int maxDecompressedBytes) {
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * Opens {@code batch}, whose header (and CRC when checked) is valid, into {@code cursor}.
     *
     * @param owner who will read the cursor: the decompressed bytes are its until another owner opens a compressed batch
     * @return {@link BatchStatus#OK}, or why the records cannot be read
     */
    BatchStatus open(RecordBatchFlyweight batch, RecordCursor cursor, Object owner) {
        int codec = batch.compression();
        if (!CompressionType.isKnownId(codec)) {
            return BatchStatus.UNKNOWN_COMPRESSION;
        }
        if (codec == 0) {
            cursor.wrap(batch);
            return BatchStatus.OK;
        }
        int recordsOffset = batch.offset() + RecordBatchFlyweight.RECORDS_OFFSET;
        int recordsBytes = batch.sizeInBytes() - RecordBatchFlyweight.RECORDS_OFFSET;
        DecompressionStatus status = decompressor.decompress(CompressionType.forId(codec), batch.buffer(),
            recordsOffset, recordsBytes, maxDecompressedBytes);
        if (!status.isOk()) {
            this.owner = null;
            return BatchStatus.MALFORMED_RECORD;
        }
        this.owner = owner;
        long logAppendTime = batch.isLogAppendTime() ? batch.maxTimestamp() : RecordCursor.NO_TIMESTAMP;
        cursor.wrap(decompressor.buffer(), 0, decompressor.decompressedBytes(), batch.baseOffset(),
            batch.baseTimestamp(), logAppendTime);
        return BatchStatus.OK;
    }

    /** Whether the decompressed bytes are still those {@code owner} opened last. */
    boolean holds(Object owner) {
        return this.owner == owner;
    }

    /** Why the last refused compressed batch was refused, for error messages. */
    String limitDescription() {
        return "a compressed batch that does not inflate, or inflates past " + maxDecompressedBytes
            + " bytes (max.decompressed.batch.bytes)";
    }
}
