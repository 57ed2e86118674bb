package io.varve.protocol.record;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A flyweight over one Kafka RecordBatch v2 (magic 2) in a buffer: reads every header field in
 * place, validates lengths and the CRC, and lets the broker stamp the two fields it owns. Wrap it
 * again to move to another batch; never allocate one per batch.
 *
 * <p>Layout (big-endian, as on the wire and on disk; offsets in bytes from the batch start):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      baseOffset (int64)                   @0  |
 *  +---------------------------------------------------------------+
 *  |                      batchLength (int32)                  @8  |  bytes after this field
 *  +---------------------------------------------------------------+
 *  |                  partitionLeaderEpoch (int32)             @12 |
 *  +---------------+-----------------------------------------------+
 *  | magic=2  @16  |              crc (uint32, CRC32C)       @17   |  covers @21 .. end
 *  +---------------+---------------+-------------------------------+
 *  |               | attributes (int16) @21        | lastOffsetDelta (int32) @23
 *  +---------------------------------------------------------------+
 *  |                     baseTimestamp (int64)                 @27 |
 *  |                     maxTimestamp (int64)                  @35 |
 *  |                     producerId (int64)                    @43 |
 *  |   producerEpoch (int16) @51   |     baseSequence (int32) @53  |
 *  |                     recordCount (int32)                   @57 |
 *  +---------------------------------------------------------------+
 *  |                     records ...                           @61 |
 *  +---------------------------------------------------------------+
 * </pre>
 * Attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd), bit 3 timestamp type
 * (1 = log append time), bit 4 transactional, bit 5 control batch, bit 6 delete horizon set.
 * {@code baseOffset} and {@code partitionLeaderEpoch} lie outside the CRC, so the broker can stamp
 * them without recomputing it.
 *
 * <p>The records that follow the header are laid out as {@link RecordCursor} describes (compressed as a
 * whole when the codec is not 0: see {@link io.varve.protocol.record.compress}); walk them with a
 * {@link RecordBatchReader} and check them with {@link #validateRecords(int)}. {@link RecordBatchBuilder}
 * writes batches.
 *
 * <p>Not thread-safe: one flyweight per thread. The bytes it wraps may be shared read-only.
 */
public final class RecordBatchFlyweight {

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** Bytes before {@code batchLength} counts: baseOffset and the length itself. */
    public static final int LOG_OVERHEAD = 12;
    /** Size of a batch with no records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    public static final byte MAGIC = 2;

    public static final int COMPRESSION_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_MASK = 0x10;
    public static final int CONTROL_MASK = 0x20;
    public static final int DELETE_HORIZON_MASK = 0x40;

    /** {@code producerId}, {@code producerEpoch}, {@code baseSequence} of a non-idempotent batch. */
    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    /** {@code partitionLeaderEpoch} before the broker stamps it. */
    public static final int NO_PARTITION_LEADER_EPOCH = -1;

    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    /** Highest compression codec id Kafka defines (zstd). */
    public static final int MAX_COMPRESSION_CODEC = 4;

    private DirectBuffer buffer;
    private int offset;
    /** Decompression buffer a flyweight keeps between {@link #validateRecords(int)} calls. */
    public static final int RETAINED_DECOMPRESSION_BYTES = 1 << 20;

    /** Made on first {@link #validateRecords(int)}, then reused: one per flyweight, never per batch. */
    private RecordBatchReader reader;

    /** Points this flyweight at the batch that starts at {@code offset}; reads nothing yet. */
    public RecordBatchFlyweight wrap(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Where the wrapped batch starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    public long baseOffset() {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET, ORDER);
    }

    public int batchLength() {
        return buffer.getInt(offset + LENGTH_OFFSET, ORDER);
    }

    /** Total bytes of the batch: {@link #LOG_OVERHEAD} + {@link #batchLength()}. Trust it after {@link #validate}. */
    public int sizeInBytes() {
        return LOG_OVERHEAD + batchLength();
    }

    public int partitionLeaderEpoch() {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET, ORDER);
    }

    public byte magic() {
        return buffer.getByte(offset + MAGIC_OFFSET);
    }

    /** The stored CRC as a Java int (the unsigned value's bit pattern). */
    public int crc() {
        return buffer.getInt(offset + CRC_OFFSET, ORDER);
    }

    public short attributes() {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET, ORDER);
    }

    /** Compression codec id: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
    public int compression() {
        return attributes() & COMPRESSION_MASK;
    }

    public boolean isLogAppendTime() {
        return (attributes() & TIMESTAMP_TYPE_MASK) != 0;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_MASK) != 0;
    }

    public boolean isControlBatch() {
        return (attributes() & CONTROL_MASK) != 0;
    }

    /** Whether a log cleaner stamped a delete horizon (KIP-534): then {@link #baseTimestamp()} is that horizon. */
    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_MASK) != 0;
    }

    /** The time after which a cleaner may drop this batch's tombstones, or -1 when none was stamped. */
    public long deleteHorizonMs() {
        return hasDeleteHorizon() ? baseTimestamp() : -1L;
    }

    public int lastOffsetDelta() {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET, ORDER);
    }

    /** Offset of the last record: {@code baseOffset + lastOffsetDelta}. */
    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /** The offset after this batch. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public long baseTimestamp() {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET, ORDER);
    }

    public long maxTimestamp() {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET, ORDER);
    }

    public long producerId() {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET, ORDER);
    }

    public short producerEpoch() {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET, ORDER);
    }

    public int baseSequence() {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET, ORDER);
    }

    public int recordCount() {
        return buffer.getInt(offset + RECORDS_COUNT_OFFSET, ORDER);
    }

    /** Stamps the first offset; outside the CRC. The buffer must be mutable. */
    public void baseOffset(long baseOffset) {
        mutable().putLong(offset + BASE_OFFSET_OFFSET, baseOffset, ORDER);
    }

    /** Stamps the leader epoch; outside the CRC. The buffer must be mutable. */
    public void partitionLeaderEpoch(int epoch) {
        mutable().putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, epoch, ORDER);
    }

    /** CRC32C of the bytes the CRC covers, from {@code attributes} to the end of the batch. */
    public int computeCrc() {
        return Crc32c.compute(buffer, offset + ATTRIBUTES_OFFSET, sizeInBytes() - ATTRIBUTES_OFFSET);
    }

    /**
     * Checks the header of the batch at the wrapped offset against the {@code available} bytes from
     * there and against {@code maxBatchBytes}, then its magic and CRC. Reads only the header fields it
     * needs before trusting the length; allocates nothing.
     */
    public BatchStatus validateHeaderAndCrc(int available, int maxBatchBytes) {
        if (available < HEADER_SIZE) {
            return available > 0 && isZeroFilled(available) ? BatchStatus.ZERO_FILLED : BatchStatus.TRUNCATED_HEADER;
        }
        int length = batchLength();
        if (length == 0 && baseOffset() == 0 && isZeroFilled(HEADER_SIZE)) {
            return BatchStatus.ZERO_FILLED;
        }
        if (length < HEADER_SIZE - LOG_OVERHEAD) {
            return BatchStatus.LENGTH_TOO_SMALL;
        }
        if (length > maxBatchBytes - LOG_OVERHEAD || length > Integer.MAX_VALUE - LOG_OVERHEAD) {
            return BatchStatus.LENGTH_TOO_LARGE;
        }
        if (LOG_OVERHEAD + length > available) {
            return BatchStatus.TRUNCATED_BATCH;
        }
        if (magic() != MAGIC) {
            return BatchStatus.WRONG_MAGIC;
        }
        if (computeCrc() != crc()) {
            return BatchStatus.CRC_MISMATCH;
        }
        if (recordCount() < 0) {
            return BatchStatus.NEGATIVE_RECORD_COUNT;
        }
        return BatchStatus.OK;
    }

    /**
     * Validates the batch completely but for a compressed batch's records: {@link #validateHeaderAndCrc}
     * and then, if that passes, {@link #validateRecords()}.
     */
    public BatchStatus validate(int available, int maxBatchBytes) {
        BatchStatus status = validateHeaderAndCrc(available, maxBatchBytes);
        return status.isOk() ? validateRecords() : status;
    }

    /**
     * Validates the batch completely, a compressed batch's records included: {@link #validateHeaderAndCrc}
     * and then, if that passes, {@link #validateRecords(int)} within {@code maxDecompressedBytes}.
     */
    public BatchStatus validate(int available, int maxBatchBytes, int maxDecompressedBytes) {
        BatchStatus status = validateHeaderAndCrc(available, maxBatchBytes);
        return status.isOk() ? validateRecords(maxDecompressedBytes) : status;
    }

    /**
     * Checks the records of a batch whose header and CRC are already valid, without decompressing: the
     * records of an uncompressed batch as {@link #validateRecords(int)} does; of a compressed batch only
     * the codec id ({@link BatchStatus#OK} for 1-4, {@link BatchStatus#UNKNOWN_COMPRESSION} above).
     * Allocates nothing after the first call.
     */
    public BatchStatus validateRecords() {
        return checkCodecThen(false);
    }

    /**
     * {@link #validateRecords()} for a walk of the stored log (recovery), where every batch passed the
     * full check when appended and compaction may since have removed records: an uncompressed batch's
     * records as {@link #validateStoredRecords(int)} checks them.
     */
    public BatchStatus validateStoredRecords() {
        return checkCodecThen(true);
    }

    private BatchStatus checkCodecThen(boolean stored) {
        int codec = compression();
        if (recordCount() < 0) {
            return BatchStatus.NEGATIVE_RECORD_COUNT;
        }
        if (codec > MAX_COMPRESSION_CODEC) {
            return BatchStatus.UNKNOWN_COMPRESSION;
        }
        return codec != 0 ? BatchStatus.OK : openAndCheck(0, stored);
    }

    /**
     * {@link #validateRecords(int)} for a batch read back from a log that a cleaner may have compacted:
     * offset deltas need only increase strictly and stay within {@code [0, lastOffsetDelta]}, so a batch
     * keeps its base and last offsets while records inside it are gone (offsets have gaps), as Kafka's
     * compacted batches do. A producer's batch is held to {@link #validateRecords(int)}.
     */
    public BatchStatus validateStoredRecords(int maxDecompressedBytes) {
        return openAndCheck(maxDecompressedBytes, true);
    }

    /**
     * Walks the records of a batch whose header and CRC are already valid (call
     * {@link #validateHeaderAndCrc} first: this trusts {@code batchLength}), decompressing them first if
     * the batch is compressed, and checks them against the header, with the rules Kafka applies to a
     * producer's batch:
     * <ul>
     *   <li>a compressed payload inflates within {@code maxDecompressedBytes}, else
     *       {@link BatchStatus#DECOMPRESSED_TOO_LARGE}, and is well formed for its codec, else
     *       {@link BatchStatus#DECOMPRESSION_FAILED} ({@link BatchStatus#UNKNOWN_COMPRESSION} for a codec
     *       id above 4);</li>
     *   <li>each record is well formed and lies inside the records ({@link RecordCursor}), else
     *       {@link BatchStatus#MALFORMED_RECORD};</li>
     *   <li>the records present are exactly {@code recordCount}, else
     *       {@link BatchStatus#RECORD_COUNT_MISMATCH} ({@link BatchStatus#NEGATIVE_RECORD_COUNT} if it
     *       is negative);</li>
     *   <li>offset deltas run 0, 1, ..., n-1 and {@code lastOffsetDelta} is n-1, else
     *       {@link BatchStatus#OFFSET_DELTA_MISMATCH}.</li>
     * </ul>
     * A batch with no records and a zero count passes (compaction keeps such batches). An uncompressed
     * batch is walked in place and allocates nothing after the first call; a compressed one is inflated
     * into a buffer this flyweight keeps up to {@link #RETAINED_DECOMPRESSION_BYTES} between calls.
     *
     * @param maxDecompressedBytes the most bytes a compressed batch's records may inflate to; unused for
     *                             an uncompressed batch
     */
    public BatchStatus validateRecords(int maxDecompressedBytes) {
        return openAndCheck(maxDecompressedBytes, false);
    }

    private BatchStatus openAndCheck(int maxDecompressedBytes, boolean compacted) {
        int count = recordCount();
        if (count < 0) {
            return BatchStatus.NEGATIVE_RECORD_COUNT;
        }
        if (reader == null) {
            reader = new RecordBatchReader();
        }
        BatchStatus opened = reader.open(this, maxDecompressedBytes);
        BatchStatus status = !opened.isOk() ? opened
            : compacted ? checkCompactedRecords(reader.cursor(), count) : checkRecords(reader.cursor(), count);
        if (compression() != 0) {
            reader.trim(RETAINED_DECOMPRESSION_BYTES);
        }
        return status;
    }

    private BatchStatus checkRecords(RecordCursor cursor, int count) {
        int read = 0;
        while (cursor.next()) {
            if (read == count) {
                return BatchStatus.RECORD_COUNT_MISMATCH;
            }
            if (cursor.offsetDelta() != read) {
                return BatchStatus.OFFSET_DELTA_MISMATCH;
            }
            read++;
        }
        if (!cursor.status().isOk()) {
            return cursor.status();
        }
        if (read != count) {
            return BatchStatus.RECORD_COUNT_MISMATCH;
        }
        if (count > 0 && lastOffsetDelta() != count - 1) {
            return BatchStatus.OFFSET_DELTA_MISMATCH;
        }
        return BatchStatus.OK;
    }

    private BatchStatus checkCompactedRecords(RecordCursor cursor, int count) {
        int lastDelta = lastOffsetDelta();
        if (lastDelta < 0 || count > 0 && count - 1 > lastDelta) {
            return BatchStatus.OFFSET_DELTA_MISMATCH;
        }
        int read = 0;
        int previousDelta = -1;
        while (cursor.next()) {
            if (read == count) {
                return BatchStatus.RECORD_COUNT_MISMATCH;
            }
            int delta = cursor.offsetDelta();
            if (delta <= previousDelta || delta > lastDelta) {
                return BatchStatus.OFFSET_DELTA_MISMATCH;
            }
            previousDelta = delta;
            read++;
        }
        if (!cursor.status().isOk()) {
            return cursor.status();
        }
        return read == count ? BatchStatus.OK : BatchStatus.RECORD_COUNT_MISMATCH;
    }

    private boolean isZeroFilled(int length) {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (buffer.getLong(offset + i) != 0) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (buffer.getByte(offset + i) != 0) {
                return false;
            }
        }
        return true;
    }

    private MutableDirectBuffer mutable() {
        if (buffer instanceof MutableDirectBuffer m) {
            return m;
        }
        throw new IllegalStateException("batch buffer is read-only: " + buffer.getClass().getName());
    }

    @Override
    public String toString() {
        return buffer == null ? "RecordBatch{unwrapped}"
            : "RecordBatch{baseOffset=" + baseOffset() + ", length=" + batchLength() + ", epoch=" + partitionLeaderEpoch()
                + ", lastOffsetDelta=" + lastOffsetDelta() + ", records=" + recordCount() + '}';
    }
}
