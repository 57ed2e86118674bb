package io.varve.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads Kafka protocol primitives from one frame body, big-endian, in both encodings: classic
 * (int16/int32 length prefixes) and compact (unsigned-varint lengths plus one, used by flexible
 * versions). Every length is checked against the bytes that remain before anything is allocated,
 * so a hostile length costs nothing; violations throw {@link MalformedMessageException}.
 *
 * <p>Beyond the bytes present, two limits bound what a hostile count can make the decoder do, as
 * Kafka 4.4 bounds them: an array of more than {@value #MAX_ARRAY_LENGTH} elements and a tagged-field
 * section of more than {@value #MAX_TAGGED_FIELDS} fields are refused before anything is allocated.
 *
 * <p>Record sets are returned as slices of the frame, never copied. Not thread-safe; one reader
 * per frame.
 */
public final class ProtocolReader {

    /** The most elements an array may declare. */
    public static final int MAX_ARRAY_LENGTH = 1_000_000;
    /** The most fields a tagged-field section may declare. */
    public static final int MAX_TAGGED_FIELDS = 10_000;

    private final ByteBuffer buf;

    /** Reads {@code frame} from its position to its limit; the caller's buffer is not moved. */
    public ProtocolReader(ByteBuffer frame) {
        this.buf = frame.slice().order(ByteOrder.BIG_ENDIAN);
    }

    public int remaining() {
        return buf.remaining();
    }

    public int position() {
        return buf.position();
    }

    public byte readInt8() {
        need(1);
        return buf.get();
    }

    public boolean readBoolean() {
        return readInt8() != 0;
    }

    public short readInt16() {
        need(2);
        return buf.getShort();
    }

    public int readUint16() {
        return readInt16() & 0xFFFF;
    }

    public int readInt32() {
        need(4);
        return buf.getInt();
    }

    public long readUint32() {
        return readInt32() & 0xFFFF_FFFFL;
    }

    public long readInt64() {
        need(8);
        return buf.getLong();
    }

    public double readFloat64() {
        need(8);
        return buf.getDouble();
    }

    public UUID readUuid() {
        need(16);
        return new UUID(buf.getLong(), buf.getLong());
    }

    /** An unsigned varint of at most 5 bytes, as used for compact lengths and tags. */
    public int readUnsignedVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = readInt8();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (shift == 28 && (b & 0xF0) != 0) {
                    throw new MalformedMessageException("unsigned varint overflows 32 bits");
                }
                return value;
            }
        }
        throw new MalformedMessageException("unsigned varint longer than 5 bytes");
    }

    /** A zig-zag signed varint (records use these). */
    public int readVarint() {
        int raw = readUnsignedVarint();
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** A non-null string; null on the wire is malformed. */
    public String readString(boolean compact) {
        String s = readNullableString(compact);
        if (s == null) {
            throw new MalformedMessageException("non-nullable string was null");
        }
        return s;
    }

    public String readNullableString(boolean compact) {
        int length = compact ? readUnsignedVarint() - 1 : readInt16();
        if (length < 0) {
            if (length == -1) {
                return null;
            }
            throw new MalformedMessageException("string length " + length);
        }
        need(length);
        return new String(copy(length), StandardCharsets.UTF_8);
    }

    /** A non-null byte array. */
    public byte[] readBytes(boolean compact) {
        byte[] b = readNullableBytes(compact);
        if (b == null) {
            throw new MalformedMessageException("non-nullable bytes were null");
        }
        return b;
    }

    public byte[] readNullableBytes(boolean compact) {
        int length = readLength(compact);
        return length < 0 ? null : copy(length);
    }

    /**
     * A records field (a sequence of record batches), returned as a read-only slice of the frame
     * without copying, or null. The caller validates the batches inside.
     */
    public ByteBuffer readRecords(boolean compact) {
        int length = readLength(compact);
        if (length < 0) {
            return null;
        }
        ByteBuffer slice = buf.slice(buf.position(), length).asReadOnlyBuffer();
        buf.position(buf.position() + length);
        return slice;
    }

    /**
     * The element count of an array, or -1 for a null array. An element takes at least one byte,
     * so a count larger than the remaining bytes is malformed: callers may size a list by it.
     */
    public int readArrayLength(boolean compact) {
        int count = compact ? readUnsignedVarint() - 1 : readInt32();
        if (count < -1 || count > buf.remaining() || count > MAX_ARRAY_LENGTH) {
            throw new MalformedMessageException("array length " + count + " with " + buf.remaining()
                    + " bytes left (limit " + MAX_ARRAY_LENGTH + ")");
        }
        return count;
    }

    /** An array count where null is not allowed. */
    public int readNonNullArrayLength(boolean compact) {
        int count = readArrayLength(compact);
        if (count < 0) {
            throw new MalformedMessageException("non-nullable array was null");
        }
        return count;
    }

    /**
     * Reads a tagged-field section. Each known tag is handed to {@code handler}, which must consume
     * exactly its declared size; unknown tags (the handler returns false) are skipped.
     */
    public void readTaggedFields(TaggedFieldHandler handler) {
        int count = readTaggedFieldCount();
        int previousTag = -1;
        for (int i = 0; i < count; i++) {
            int tag = readTag(previousTag);
            previousTag = tag;
            int end = readTaggedFieldEnd();
            int size = end - buf.position();
            if (handler == null || !handler.read(tag, this)) {
                buf.position(end);
            } else if (buf.position() != end) {
                throw new MalformedMessageException("tagged field " + tag + " declared " + size + " bytes but used "
                        + (buf.position() - end + size));
            }
        }
    }

    /**
     * The field count of a tagged-field section. A field takes at least two bytes (tag and size), so
     * the count is checked against the bytes left, and against {@link #MAX_TAGGED_FIELDS}.
     */
    public int readTaggedFieldCount() {
        int count = readUnsignedVarint();
        if (count < 0 || count > buf.remaining() || count > MAX_TAGGED_FIELDS) {
            throw new MalformedMessageException("tagged field count " + Integer.toUnsignedString(count) + " with "
                    + buf.remaining() + " bytes left (limit " + MAX_TAGGED_FIELDS + ")");
        }
        return count;
    }

    /** The tag of the next tagged field, which must be greater than {@code previousTag} (tags ascend). */
    public int readTag(int previousTag) {
        int tag = readUnsignedVarint();
        if (tag < 0 || tag <= previousTag) {
            throw new MalformedMessageException("tagged fields out of order: " + Integer.toUnsignedString(tag)
                    + " after " + previousTag);
        }
        return tag;
    }

    /** Reads a tagged field's size and returns the position where the field ends, checked against the bytes left. */
    public int readTaggedFieldEnd() {
        int size = readUnsignedVarint();
        need(size);
        return buf.position() + size;
    }

    /** A known tagged field must end exactly where its size said. */
    public void endTaggedField(int tag, int end) {
        if (buf.position() != end) {
            throw new MalformedMessageException("tagged field " + tag + " ends at " + buf.position() + ", not " + end);
        }
    }

    /** Moves to {@code end}, a position inside the frame at or after the current one (skips an unknown field). */
    public void skipTo(int end) {
        if (end < buf.position() || end > buf.limit()) {
            throw new MalformedMessageException("cannot skip to " + end);
        }
        buf.position(end);
    }

    /** A records field as {@link Records} over a slice of the frame (not copied), or null. */
    public Records readNullableRecordsField(boolean compact) {
        ByteBuffer records = readRecords(compact);
        return records == null ? null : Records.of(records);
    }

    /** A records field that may not be null. */
    public Records readRecordsField(boolean compact) {
        Records records = readNullableRecordsField(compact);
        if (records == null) {
            throw new MalformedMessageException("non-nullable records were null");
        }
        return records;
    }

    /** Skips a tagged-field section whose tags are all unknown to the caller. */
    public void skipTaggedFields() {
        readTaggedFields(null);
    }

    /** A frame must be consumed exactly; trailing bytes mean the two sides disagree on the layout. */
    public void expectEnd() {
        if (buf.hasRemaining()) {
            throw new MalformedMessageException(buf.remaining() + " unexpected trailing bytes");
        }
    }

    private int readLength(boolean compact) {
        int length = compact ? readUnsignedVarint() - 1 : readInt32();
        if (length < -1) {
            throw new MalformedMessageException("length " + length);
        }
        if (length >= 0) {
            need(length);
        }
        return length;
    }

    private byte[] copy(int length) {
        byte[] out = new byte[length];
        buf.get(out);
        return out;
    }

    /** Sizes come off the wire as unsigned varints too: one past 2^31 reads negative and is as bad as too large. */
    private void need(int bytes) {
        if (bytes < 0 || bytes > buf.remaining()) {
            throw new MalformedMessageException("need " + bytes + " bytes, " + buf.remaining() + " left");
        }
    }

    /** Reads one known tagged field; returns false to have the reader skip an unknown tag. */
    @FunctionalInterface
    public interface TaggedFieldHandler {
        boolean read(int tag, ProtocolReader reader);
    }
}
