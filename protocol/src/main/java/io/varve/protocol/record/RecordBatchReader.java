package io.varve.protocol.record;

import io.varve.protocol.record.compress.CompressionType;
import io.varve.protocol.record.compress.DecompressionStatus;
import io.varve.protocol.record.compress.RecordDecompressor;

/**
 * Opens the records of any batch, compressed or not, for a {@link RecordCursor}: an uncompressed
 * batch is walked in place; a compressed one is first inflated into this reader's buffer, under the
 * caller's limit on decompressed bytes, and walked there.
 *
 * <pre>
 *   BatchStatus status = reader.open(batch, maxDecompressedBytes);   // after batch.validateHeaderAndCrc
 *   if (status.isOk()) {
 *       RecordCursor records = reader.cursor();
 *       while (records.next()) { ... records.buffer(), records.keyOffset() ... }
 *   }
 * </pre>
 * Key, value and header offsets of a compressed batch's records point into {@link RecordCursor#buffer()},
 * the decompressed bytes, which stay valid until the next {@link #open} or {@link #trim}.
 *
 * <p>Not thread-safe: one reader per thread, reused across batches.
 */
public final class RecordBatchReader {

    private final RecordCursor cursor = new RecordCursor();
    private RecordDecompressor decompressor;

    /**
     * Points {@link #cursor()} before the first record of {@code batch}, whose header and CRC must be
     * valid ({@link RecordBatchFlyweight#validateHeaderAndCrc}: its length is trusted).
     *
     * @param maxDecompressedBytes the most bytes a compressed batch's records may inflate to
     * @return {@link BatchStatus#OK}; {@link BatchStatus#UNKNOWN_COMPRESSION} for a codec id above 4;
     *         {@link BatchStatus#DECOMPRESSION_FAILED} for a malformed payload;
     *         {@link BatchStatus#DECOMPRESSED_TOO_LARGE} past the limit
     */
    public BatchStatus open(RecordBatchFlyweight batch, int maxDecompressedBytes) {
        int codec = batch.compression();
        if (!CompressionType.isKnownId(codec)) {
            return BatchStatus.UNKNOWN_COMPRESSION;
        }
        if (codec == CompressionType.NONE.id()) {
            cursor.wrap(batch);
            return BatchStatus.OK;
        }
        if (decompressor == null) {
            decompressor = new RecordDecompressor();
        }
        int recordsOffset = batch.offset() + RecordBatchFlyweight.RECORDS_OFFSET;
        int recordsBytes = batch.sizeInBytes() - RecordBatchFlyweight.RECORDS_OFFSET;
        DecompressionStatus status = decompressor.decompress(CompressionType.forId(codec), batch.buffer(),
            recordsOffset, recordsBytes, maxDecompressedBytes);
        switch (status) {
            case OK -> {
                long logAppendTime = batch.isLogAppendTime() ? batch.maxTimestamp() : RecordCursor.NO_TIMESTAMP;
                cursor.wrap(decompressor.buffer(), 0, decompressor.decompressedBytes(), batch.baseOffset(),
                    batch.baseTimestamp(), logAppendTime);
                return BatchStatus.OK;
            }
            case TOO_LARGE -> {
                return BatchStatus.DECOMPRESSED_TOO_LARGE;
            }
            default -> {
                return BatchStatus.DECOMPRESSION_FAILED;
            }
        }
    }

    /** The cursor over the records of the batch last opened successfully. */
    public RecordCursor cursor() {
        return cursor;
    }

    /** Bytes of decompression buffer held now. */
    public int decompressionCapacityBytes() {
        return decompressor == null ? 0 : decompressor.capacityBytes();
    }

    /** Gives back a decompression buffer larger than {@code retainBytes}; the last batch's records go with it. */
    public void trim(int retainBytes) {
        if (decompressor != null) {
            decompressor.trim(retainBytes);
        }
    }
}
