package io.varve.protocol.record;

import static io.varve.protocol.record.RecordBatchFlyweight.*;

import io.varve.protocol.record.compress.CompressionType;
import io.varve.protocol.record.compress.RecordCompressor;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes one RecordBatch v2 into a region of a {@link MutableDirectBuffer}, in the layout
 * {@link RecordBatchFlyweight} and {@link RecordCursor} describe. Records are written uncompressed as
 * they are appended, right after the space kept for the batch header; {@link #build()} then compresses
 * them in place if a codec was chosen ({@link #compression}), and fills the header (counts, offsets,
 * timestamps, length, codec) and the CRC32C, which covers the compressed bytes.
 *
 * <pre>
 *   builder.wrap(buffer, offset, capacity)
 *          .producer(producerId, producerEpoch, baseSequence);
 *   builder.header(keyBytes, valueBytes);          // headers of the next record, if any
 *   builder.append(timestampMs, key, value);       // offset deltas 0, 1, 2, ...
 *   int size = builder.build();
 * </pre>
 *
 * <p>Every append checks that the whole record fits in the remaining capacity before it writes a
 * byte, and throws {@link IllegalStateException} if not, leaving the records written so far intact;
 * {@link #sizeOfRecord} and {@link #remainingBytes()} let a caller check first. Keys, values and
 * header keys and values come from {@code byte[]} or {@link DirectBuffer} slices and are copied at
 * once, except staged headers, which are referenced until the next append. A reused builder does not
 * allocate (the staged-header table grows only when a record has more headers than ever before).
 * The base timestamp is the first record's. Compression happens at {@link #build()}, through a
 * {@link RecordCompressor} the builder keeps; since the capacity was checked against the uncompressed
 * records, a compressed batch always fits except for incompressible records in a full region, which
 * a codec's framing may grow by a few bytes (see {@link #build()}).
 *
 * <p>Not thread-safe: one builder per thread, reused by wrapping it again.
 */
public final class RecordBatchBuilder {

    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    private static final int INITIAL_HEADER_SLOTS = 8;

    private MutableDirectBuffer buffer;
    private int offset;
    private int limit;
    private int position;
    private boolean built = true;

    private long baseOffset;
    private int partitionLeaderEpoch;
    private long producerId;
    private short producerEpoch;
    private int baseSequence;
    private boolean transactional;
    private boolean controlBatch;
    private long logAppendTimeMs;
    private CompressionType compression = CompressionType.NONE;
    private RecordCompressor compressor;

    private int recordCount;
    private long baseTimestamp;
    private long maxTimestamp;

    private Object[] headerKeys = new Object[INITIAL_HEADER_SLOTS];
    private Object[] headerValues = new Object[INITIAL_HEADER_SLOTS];
    private int[] headerSlices = new int[INITIAL_HEADER_SLOTS * 4];
    private int stagedHeaders;

    /**
     * Starts a new batch at {@code offset}, using at most {@code capacity} bytes from there. Resets
     * every setting to a plain non-idempotent, create-time batch at base offset 0.
     *
     * @throws IllegalArgumentException if the region leaves the buffer or cannot hold a batch header
     */
    public RecordBatchBuilder wrap(MutableDirectBuffer buffer, int offset, int capacity) {
        if (offset < 0 || capacity < HEADER_SIZE || (long) offset + capacity > buffer.capacity()) {
            throw new IllegalArgumentException("region [" + offset + ", +" + capacity + ") of a buffer of "
                + buffer.capacity() + " bytes cannot hold a batch (header is " + HEADER_SIZE + " bytes)");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.limit = offset + capacity;
        this.position = offset + RECORDS_OFFSET;
        this.built = false;
        this.baseOffset = 0;
        this.partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH;
        this.producerId = NO_PRODUCER_ID;
        this.producerEpoch = NO_PRODUCER_EPOCH;
        this.baseSequence = NO_SEQUENCE;
        this.transactional = false;
        this.controlBatch = false;
        this.logAppendTimeMs = RecordCursor.NO_TIMESTAMP;
        this.compression = CompressionType.NONE;
        this.recordCount = 0;
        this.baseTimestamp = RecordCursor.NO_TIMESTAMP;
        this.maxTimestamp = RecordCursor.NO_TIMESTAMP;
        clearStagedHeaders();
        return this;
    }

    public RecordBatchBuilder baseOffset(long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int partitionLeaderEpoch) {
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /** Idempotent-producer fields; the defaults are {@code -1, -1, -1} (no producer id). */
    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder controlBatch(boolean controlBatch) {
        this.controlBatch = controlBatch;
        return this;
    }

    /** Compresses the records with {@code compression} at {@link #build()}; the default is none. */
    public RecordBatchBuilder compression(CompressionType compression) {
        if (compression == null) {
            throw new IllegalArgumentException("compression cannot be null: use CompressionType.NONE");
        }
        this.compression = compression;
        return this;
    }

    /**
     * Marks the batch log-append-time: its max timestamp becomes {@code logAppendTimeMs}, which
     * readers report as every record's timestamp. Record timestamps are still written as deltas.
     */
    public RecordBatchBuilder logAppendTime(long logAppendTimeMs) {
        this.logAppendTimeMs = logAppendTimeMs;
        return this;
    }

    /** Stages a header (non-null key, value or null) for the next appended record. */
    public RecordBatchBuilder header(byte[] key, byte[] value) {
        if (key == null) {
            throw new IllegalArgumentException("a header key cannot be null");
        }
        return stageHeader(key, 0, key.length, value, 0, value == null ? -1 : value.length);
    }

    /** Stages a header from buffer slices; a null {@code value} is a null header value. */
    public RecordBatchBuilder header(DirectBuffer key, int keyOffset, int keyLength,
                                     DirectBuffer value, int valueOffset, int valueLength) {
        if (key == null || keyLength < 0) {
            throw new IllegalArgumentException("a header key cannot be null");
        }
        key.boundsCheck(keyOffset, keyLength);
        if (value != null) {
            value.boundsCheck(valueOffset, valueLength);
        }
        return stageHeader(key, keyOffset, keyLength, value, valueOffset, value == null ? -1 : valueLength);
    }

    /** Appends a record with the staged headers; null key or value are written as null (-1). */
    public RecordBatchBuilder append(long timestampMs, byte[] key, byte[] value) {
        return appendRecord(timestampMs, key, 0, key == null ? -1 : key.length,
            value, 0, value == null ? -1 : value.length);
    }

    /** Appends a record from array slices; a null array is a null key or value. */
    public RecordBatchBuilder append(long timestampMs, byte[] key, int keyOffset, int keyLength,
                                     byte[] value, int valueOffset, int valueLength) {
        checkSlice(key, keyOffset, keyLength);
        checkSlice(value, valueOffset, valueLength);
        return appendRecord(timestampMs, key, keyOffset, key == null ? -1 : keyLength,
            value, valueOffset, value == null ? -1 : valueLength);
    }

    /** Appends a record from buffer slices; a null buffer is a null key or value. */
    public RecordBatchBuilder append(long timestampMs, DirectBuffer key, int keyOffset, int keyLength,
                                     DirectBuffer value, int valueOffset, int valueLength) {
        if (key != null) {
            key.boundsCheck(keyOffset, keyLength);
        }
        if (value != null) {
            value.boundsCheck(valueOffset, valueLength);
        }
        return appendRecord(timestampMs, key, keyOffset, key == null ? -1 : keyLength,
            value, valueOffset, value == null ? -1 : valueLength);
    }

    /**
     * Bytes the next record would take with the headers staged now: its length varint included.
     * A length of -1 stands for null; a size beyond an int reads as {@link Integer#MAX_VALUE}.
     */
    public int sizeOfRecord(long timestampMs, int keyLength, int valueLength) {
        long body = bodySize(timestampMs, keyLength, valueLength);
        return body > Integer.MAX_VALUE - Varint.MAX_VARINT_BYTES
            ? Integer.MAX_VALUE : Varint.sizeOfVarint((int) body) + (int) body;
    }

    /** Capacity left for records. */
    public int remainingBytes() {
        return limit - position;
    }

    public int recordCount() {
        return recordCount;
    }

    /** Bytes of the batch so far, header included. */
    public int sizeInBytes() {
        return position - offset;
    }

    /**
     * Compresses the records appended if a codec was chosen, then writes the batch header and the CRC
     * over them; returns the batch's size in bytes. The builder must be wrapped again before the next
     * batch.
     *
     * @throws IllegalStateException if no record was appended, the batch is already built, or the
     *         compressed records do not fit in the region (then the region still holds them uncompressed
     *         and the builder stays open: build again with {@link CompressionType#NONE})
     */
    public int build() {
        checkOpen();
        if (recordCount == 0) {
            throw new IllegalStateException("a batch needs at least one record");
        }
        if (compression != CompressionType.NONE) {
            compressRecords();
        }
        int size = position - offset;
        int attributes = (transactional ? TRANSACTIONAL_MASK : 0) | (controlBatch ? CONTROL_MASK : 0)
            | (logAppendTimeMs != RecordCursor.NO_TIMESTAMP ? TIMESTAMP_TYPE_MASK : 0) | compression.id();
        long max = logAppendTimeMs != RecordCursor.NO_TIMESTAMP ? logAppendTimeMs : maxTimestamp;
        MutableDirectBuffer b = buffer;
        b.putLong(offset + BASE_OFFSET_OFFSET, baseOffset, ORDER);
        b.putInt(offset + LENGTH_OFFSET, size - LOG_OVERHEAD, ORDER);
        b.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch, ORDER);
        b.putByte(offset + MAGIC_OFFSET, MAGIC);
        b.putShort(offset + ATTRIBUTES_OFFSET, (short) attributes, ORDER);
        b.putInt(offset + LAST_OFFSET_DELTA_OFFSET, recordCount - 1, ORDER);
        b.putLong(offset + BASE_TIMESTAMP_OFFSET, baseTimestamp, ORDER);
        b.putLong(offset + MAX_TIMESTAMP_OFFSET, max, ORDER);
        b.putLong(offset + PRODUCER_ID_OFFSET, producerId, ORDER);
        b.putShort(offset + PRODUCER_EPOCH_OFFSET, producerEpoch, ORDER);
        b.putInt(offset + BASE_SEQUENCE_OFFSET, baseSequence, ORDER);
        b.putInt(offset + RECORDS_COUNT_OFFSET, recordCount, ORDER);
        int crc = Crc32c.compute(b, offset + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
        b.putInt(offset + CRC_OFFSET, crc, ORDER);
        built = true;
        return size;
    }

    private void compressRecords() {
        if (compressor == null) {
            compressor = new RecordCompressor();
        }
        int recordsOffset = offset + RECORDS_OFFSET;
        int compressedBytes = compressor.compress(compression, buffer, recordsOffset, position - recordsOffset);
        if (compressedBytes > limit - recordsOffset) {
            throw new IllegalStateException(compression + " records of " + compressedBytes + " bytes do not fit: "
                + (limit - recordsOffset) + " bytes in the region");
        }
        compressor.copyOutput(buffer, recordsOffset);
        position = recordsOffset + compressedBytes;
    }

    private RecordBatchBuilder appendRecord(long timestampMs, Object key, int keyOffset, int keyLength,
                                            Object value, int valueOffset, int valueLength) {
        checkOpen();
        long timestampBase = recordCount == 0 ? timestampMs : baseTimestamp;
        long timestampDelta = timestampMs - timestampBase;
        long body = bodySize(timestampMs, keyLength, valueLength);
        long total = body + Varint.sizeOfVarint((int) Math.min(body, Integer.MAX_VALUE));
        if (total > limit - position) {
            throw new IllegalStateException("record of " + total + " bytes does not fit: " + (limit - position)
                + " bytes left in the batch");
        }
        int p = position;
        MutableDirectBuffer b = buffer;
        p += Varint.writeVarint(b, p, (int) body);
        b.putByte(p++, (byte) 0);
        p += Varint.writeVarlong(b, p, timestampDelta);
        p += Varint.writeVarint(b, p, recordCount);
        p = putField(p, key, keyOffset, keyLength);
        p = putField(p, value, valueOffset, valueLength);
        p += Varint.writeVarint(b, p, stagedHeaders);
        for (int i = 0; i < stagedHeaders; i++) {
            int[] s = headerSlices;
            p = putField(p, headerKeys[i], s[4 * i], s[4 * i + 1]);
            p = putField(p, headerValues[i], s[4 * i + 2], s[4 * i + 3]);
        }
        position = p;
        baseTimestamp = timestampBase;
        maxTimestamp = Math.max(maxTimestamp, timestampMs);
        recordCount++;
        clearStagedHeaders();
        return this;
    }

    /** Body of the next record (all but its length varint), in long so that no sum overflows. */
    private long bodySize(long timestampMs, int keyLength, int valueLength) {
        long timestampDelta = timestampMs - (recordCount == 0 ? timestampMs : baseTimestamp);
        long size = 1 + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(recordCount)
            + fieldSize(keyLength) + fieldSize(valueLength) + Varint.sizeOfVarint(stagedHeaders);
        for (int i = 0; i < stagedHeaders; i++) {
            size += fieldSize(headerSlices[4 * i + 1]) + fieldSize(headerSlices[4 * i + 3]);
        }
        return size;
    }

    private static long fieldSize(int length) {
        return Varint.sizeOfVarint(length) + (long) Math.max(length, 0);
    }

    private int putField(int p, Object source, int sourceOffset, int length) {
        p += Varint.writeVarint(buffer, p, length);
        if (length > 0) {
            if (source instanceof byte[] bytes) {
                buffer.putBytes(p, bytes, sourceOffset, length);
            } else {
                buffer.putBytes(p, (DirectBuffer) source, sourceOffset, length);
            }
        }
        return p + Math.max(length, 0);
    }

    private RecordBatchBuilder stageHeader(Object key, int keyOffset, int keyLength,
                                           Object value, int valueOffset, int valueLength) {
        checkOpen();
        if (stagedHeaders == headerKeys.length) {
            int slots = headerKeys.length * 2;
            headerKeys = Arrays.copyOf(headerKeys, slots);
            headerValues = Arrays.copyOf(headerValues, slots);
            headerSlices = Arrays.copyOf(headerSlices, slots * 4);
        }
        int i = stagedHeaders++;
        headerKeys[i] = key;
        headerValues[i] = value;
        headerSlices[4 * i] = keyOffset;
        headerSlices[4 * i + 1] = keyLength;
        headerSlices[4 * i + 2] = valueOffset;
        headerSlices[4 * i + 3] = valueLength;
        return this;
    }

    private void clearStagedHeaders() {
        // Drop the references so that the caller's buffers are not held past the record.
        Arrays.fill(headerKeys, 0, stagedHeaders, null);
        Arrays.fill(headerValues, 0, stagedHeaders, null);
        stagedHeaders = 0;
    }

    private static void checkSlice(byte[] array, int sliceOffset, int length) {
        if (array != null && (sliceOffset < 0 || length < 0 || sliceOffset > array.length - length)) {
            throw new IndexOutOfBoundsException("slice [" + sliceOffset + ", +" + length + ") of an array of "
                + array.length + " bytes");
        }
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("builder is not wrapped around an open batch: call wrap first");
        }
    }
}
