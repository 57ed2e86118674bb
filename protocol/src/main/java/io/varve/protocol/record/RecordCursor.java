package io.varve.protocol.record;

import org.agrona.DirectBuffer;

/**
 * Walks the records of an uncompressed RecordBatch v2 in place, one {@link #next()} at a time,
 * checking every length against the bytes of the batch as it goes. It exposes where each key, value
 * and header lies in the buffer instead of copying them; nothing is allocated per record.
 *
 * <p>Record layout (Kafka's {@code DefaultRecord}; varints are zig-zag, see {@link Varint}):
 * <pre>
 *  +-----------------------------+
 *  | length          varint      |  bytes after this field, to the end of the record
 *  +-----------------------------+
 *  | attributes      int8        |  unused, 0
 *  | timestampDelta  varlong     |  timestamp - batch baseTimestamp
 *  | offsetDelta     varint      |  offset - batch baseOffset
 *  | keyLength       varint      |  -1 = null key
 *  | key             bytes       |
 *  | valueLength     varint      |  -1 = null value
 *  | value           bytes       |
 *  | headerCount     varint      |  &gt;= 0
 *  +-----------------------------+
 *  | headers: headerCount times  |
 *  |   headerKeyLength   varint  |  &gt;= 0 (a header key is never null)
 *  |   headerKey         bytes   |  UTF-8
 *  |   headerValueLength varint  |  -1 = null value
 *  |   headerValue       bytes   |
 *  +-----------------------------+
 * </pre>
 * A record is well formed when every varint ends within the record, no length is below its floor,
 * every field ends within the record, and the fields end exactly where {@code length} says.
 *
 * <p>{@link #next()} returns false at the end of the records or at the first malformed one;
 * {@link #status()} says which ({@link BatchStatus#OK} or {@link BatchStatus#MALFORMED_RECORD}).
 * The cursor checks the shape of each record, not the batch's count or offset deltas: that is
 * {@link RecordBatchFlyweight#validateRecords()}.
 *
 * <p>The records of a compressed batch are walked the same way once inflated: {@link RecordBatchReader}
 * does that and wraps the cursor over the decompressed bytes.
 *
 * <p>Not thread-safe: one cursor per thread, reused across batches by wrapping it again.
 */
public final class RecordCursor {

    /** Smallest record body: attributes and five one-byte varints (all zero, no key, no value). */
    static final int MIN_RECORD_BODY_BYTES = 6;
    /** Smallest header: two one-byte varints. */
    static final int MIN_HEADER_BYTES = 2;
    /** {@code timestamp} when not known. */
    public static final long NO_TIMESTAMP = -1L;

    private final VarintReader reader = new VarintReader();
    private final HeaderCursor headerCursor = new HeaderCursor();

    private DirectBuffer buffer;
    private int limit;
    private long baseOffset;
    private long baseTimestamp;
    private long logAppendTimeMs;
    private int nextRecordOffset;
    private int recordsRead;
    private BatchStatus status = BatchStatus.OK;

    private int recordOffset;
    private int recordSize;
    private byte attributes;
    private long timestampDelta;
    private int offsetDelta;
    private int keyOffset;
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int headerCount;
    private int headersOffset;

    /**
     * Points the cursor before the first record of {@code batch}, which must have passed
     * {@link RecordBatchFlyweight#validateHeaderAndCrc} (its length is trusted) and be uncompressed.
     * In a log-append-time batch every record's {@link #timestamp()} is the batch's max timestamp.
     *
     * @throws IllegalArgumentException if the batch is compressed or its length leaves the buffer
     */
    public RecordCursor wrap(RecordBatchFlyweight batch) {
        if (batch.compression() != 0) {
            throw new IllegalArgumentException("compressed batch (codec " + batch.compression()
                + "): records must be decompressed first");
        }
        int start = batch.offset() + RecordBatchFlyweight.RECORDS_OFFSET;
        long end = (long) batch.offset() + batch.sizeInBytes();
        if (end < start || end > batch.buffer().capacity()) {
            throw new IllegalArgumentException("batch length leaves the buffer: validate the header first");
        }
        long logAppendTime = batch.isLogAppendTime() ? batch.maxTimestamp() : NO_TIMESTAMP;
        return wrap(batch.buffer(), start, (int) end, batch.baseOffset(), batch.baseTimestamp(), logAppendTime);
    }

    /**
     * Points the cursor before the record at {@code recordsOffset}; records end at {@code recordsLimit}.
     *
     * @param logAppendTimeMs the timestamp of every record, or {@link #NO_TIMESTAMP} for create time
     * @throws IllegalArgumentException if the range is not within the buffer
     */
    public RecordCursor wrap(DirectBuffer buffer, int recordsOffset, int recordsLimit, long baseOffset,
                             long baseTimestamp, long logAppendTimeMs) {
        if (recordsOffset < 0 || recordsLimit < recordsOffset || recordsLimit > buffer.capacity()) {
            throw new IllegalArgumentException("bad records range [" + recordsOffset + ", " + recordsLimit + ")");
        }
        this.buffer = buffer;
        this.limit = recordsLimit;
        this.baseOffset = baseOffset;
        this.baseTimestamp = baseTimestamp;
        this.logAppendTimeMs = logAppendTimeMs;
        this.nextRecordOffset = recordsOffset;
        this.recordsRead = 0;
        this.status = BatchStatus.OK;
        this.recordOffset = recordsOffset;
        this.recordSize = 0;
        return this;
    }

    /**
     * Moves to the next record and checks its shape.
     *
     * @return true if a well-formed record is now current; false at the end or at a malformed record
     */
    public boolean next() {
        if (status != BatchStatus.OK || nextRecordOffset >= limit) {
            return false;
        }
        if (!parse(nextRecordOffset)) {
            status = BatchStatus.MALFORMED_RECORD;
            return false;
        }
        nextRecordOffset = recordOffset + recordSize;
        recordsRead++;
        return true;
    }

    private boolean parse(int start) {
        VarintReader r = reader.wrap(buffer, start, limit);
        int length = r.readVarint();
        if (r.hasError() || length < MIN_RECORD_BODY_BYTES || length > r.remaining()) {
            return false;
        }
        int end = r.position() + length;
        r.wrap(buffer, r.position(), end);
        attributes = r.readByte();
        timestampDelta = r.readVarlong();
        offsetDelta = r.readVarint();
        keyLength = r.readVarint();
        keyOffset = r.position();
        if (keyLength < -1 || !r.skip(keyLength)) {
            return false;
        }
        valueLength = r.readVarint();
        valueOffset = r.position();
        if (valueLength < -1 || !r.skip(valueLength)) {
            return false;
        }
        headerCount = r.readVarint();
        headersOffset = r.position();
        // Each header takes at least two bytes: a count beyond that cannot be honest.
        if (r.hasError() || headerCount < 0 || headerCount > r.remaining() / MIN_HEADER_BYTES) {
            return false;
        }
        for (int i = 0; i < headerCount; i++) {
            if (!skipHeader(r)) {
                return false;
            }
        }
        recordOffset = start;
        recordSize = end - start;
        return !r.hasError() && r.position() == end;
    }

    private static boolean skipHeader(VarintReader r) {
        int keyLength = r.readVarint();
        if (keyLength < 0 || !r.skip(keyLength)) {
            return false;
        }
        int valueLength = r.readVarint();
        return valueLength >= -1 && r.skip(valueLength) && !r.hasError();
    }

    /** {@link BatchStatus#OK}, or {@link BatchStatus#MALFORMED_RECORD} once a record failed to parse. */
    public BatchStatus status() {
        return status;
    }

    /** Records returned by {@link #next()} since the last wrap. */
    public int recordsRead() {
        return recordsRead;
    }

    /** Where the current record starts (its length varint) in {@link #buffer()}. */
    public int recordOffset() {
        return recordOffset;
    }

    /** Bytes of the current record, its length varint included. */
    public int recordSize() {
        return recordSize;
    }

    /** Where the next record would start: after the last one read. */
    public int nextRecordOffset() {
        return nextRecordOffset;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public byte attributes() {
        return attributes;
    }

    public long timestampDelta() {
        return timestampDelta;
    }

    public int offsetDelta() {
        return offsetDelta;
    }

    /** Absolute offset: batch base offset + {@link #offsetDelta()}. */
    public long offset() {
        return baseOffset + offsetDelta;
    }

    /** Absolute timestamp: the batch's log-append time if it has one, else base timestamp + delta. */
    public long timestamp() {
        return logAppendTimeMs != NO_TIMESTAMP ? logAppendTimeMs : baseTimestamp + timestampDelta;
    }

    /** Where the key's bytes start in {@link #buffer()}. */
    public int keyOffset() {
        return keyOffset;
    }

    /** Key length in bytes; -1 for a null key. */
    public int keyLength() {
        return keyLength;
    }

    /** Where the value's bytes start in {@link #buffer()}. */
    public int valueOffset() {
        return valueOffset;
    }

    /** Value length in bytes; -1 for a null value. */
    public int valueLength() {
        return valueLength;
    }

    public int headerCount() {
        return headerCount;
    }

    /** The current record's headers, from the first: a reused cursor, valid until the next call. */
    public HeaderCursor headers() {
        return headerCursor.wrap(buffer, headersOffset, recordOffset + recordSize, headerCount);
    }

    @Override
    public String toString() {
        return "RecordCursor{offsetDelta=" + offsetDelta + ", keyLength=" + keyLength + ", valueLength="
            + valueLength + ", headers=" + headerCount + ", status=" + status + '}';
    }

    /**
     * The headers of one record, walked in place with {@link #next()}. Obtained from
     * {@link RecordCursor#headers()}; not thread-safe.
     */
    public static final class HeaderCursor {
        private final VarintReader reader = new VarintReader();
        private int remaining;
        private int keyOffset;
        private int keyLength;
        private int valueOffset;
        private int valueLength;

        HeaderCursor wrap(DirectBuffer buffer, int headersOffset, int recordEnd, int count) {
            reader.wrap(buffer, headersOffset, recordEnd);
            remaining = count;
            return this;
        }

        /** Moves to the next header; false when there is none (or its bytes are not all there). */
        public boolean next() {
            if (remaining <= 0) {
                return false;
            }
            remaining--;
            VarintReader r = reader;
            keyLength = r.readVarint();
            keyOffset = r.position();
            if (keyLength < 0 || !r.skip(keyLength)) {
                remaining = 0;
                return false;
            }
            valueLength = r.readVarint();
            valueOffset = r.position();
            if (valueLength < -1 || !r.skip(valueLength) || r.hasError()) {
                remaining = 0;
                return false;
            }
            return true;
        }

        /** Where the header key's UTF-8 bytes start. */
        public int keyOffset() {
            return keyOffset;
        }

        public int keyLength() {
            return keyLength;
        }

        public int valueOffset() {
            return valueOffset;
        }

        /** Header value length; -1 for a null value. */
        public int valueLength() {
            return valueLength;
        }
    }
}
