package io.varve.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Writes Kafka protocol primitives, big-endian, classic or compact, into a growable heap buffer.
 * A records field is not copied: {@link #writeRecords} records a reference and the encoded message
 * becomes a sequence of chunks, byte spans of this writer interleaved with {@link Records}, which
 * {@link #forEachChunk} hands to the network edge (see DESIGN §5, zero-copy fetch).
 *
 * <p>Not thread-safe; one writer per message. {@link #reset()} makes it reusable.
 */
public final class ProtocolWriter {

    private static final int INITIAL_CAPACITY = 256;

    private ByteBuffer buf = ByteBuffer.allocate(INITIAL_CAPACITY);
    /** Byte positions at which a records chunk sits; parallel to {@link #records}. */
    private int[] recordPositions = new int[0];
    private final List<Records> records = new ArrayList<>();
    private long recordBytes;

    /** Forgets everything written, keeping the buffer. */
    public ProtocolWriter reset() {
        buf.clear();
        records.clear();
        recordBytes = 0;
        return this;
    }

    /** Total encoded size: the writer's own bytes plus every referenced records chunk. */
    public long size() {
        return buf.position() + recordBytes;
    }

    /** Bytes written into this writer's own buffer (records chunks excluded). */
    public int position() {
        return buf.position();
    }

    public ProtocolWriter writeInt8(int v) {
        ensure(1).put((byte) v);
        return this;
    }

    public ProtocolWriter writeBoolean(boolean v) {
        return writeInt8(v ? 1 : 0);
    }

    public ProtocolWriter writeInt16(int v) {
        ensure(2).putShort((short) v);
        return this;
    }

    public ProtocolWriter writeInt32(int v) {
        ensure(4).putInt(v);
        return this;
    }

    public ProtocolWriter writeUint32(long v) {
        return writeInt32((int) v);
    }

    public ProtocolWriter writeInt64(long v) {
        ensure(8).putLong(v);
        return this;
    }

    public ProtocolWriter writeFloat64(double v) {
        ensure(8).putDouble(v);
        return this;
    }

    public ProtocolWriter writeUuid(UUID v) {
        ensure(16).putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits());
        return this;
    }

    public ProtocolWriter writeUnsignedVarint(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            buf.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
        return this;
    }

    public ProtocolWriter writeVarint(int v) {
        return writeUnsignedVarint((v << 1) ^ (v >> 31));
    }

    /** Overwrites an int32 written earlier, e.g. a size known only at the end. */
    public ProtocolWriter putInt32At(int position, int v) {
        buf.putInt(position, v);
        return this;
    }

    public ProtocolWriter writeString(String s, boolean compact) {
        if (s == null) {
            throw new IllegalArgumentException("non-nullable string is null");
        }
        return writeNullableString(s, compact);
    }

    public ProtocolWriter writeNullableString(String s, boolean compact) {
        if (s == null) {
            return compact ? writeUnsignedVarint(0) : writeInt16(-1);
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (compact) {
            writeUnsignedVarint(utf8.length + 1);
        } else {
            if (utf8.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("string longer than " + Short.MAX_VALUE + " bytes");
            }
            writeInt16(utf8.length);
        }
        ensure(utf8.length).put(utf8);
        return this;
    }

    public ProtocolWriter writeBytes(byte[] b, boolean compact) {
        if (b == null) {
            throw new IllegalArgumentException("non-nullable bytes are null");
        }
        return writeNullableBytes(b, compact);
    }

    public ProtocolWriter writeNullableBytes(byte[] b, boolean compact) {
        if (b == null) {
            return writeLength(-1, compact);
        }
        writeLength(b.length, compact);
        ensure(b.length).put(b);
        return this;
    }

    /** Writes the length prefix of a records field and references {@code r} (null allowed) without copying it. */
    public ProtocolWriter writeRecords(Records r, boolean compact) {
        if (r == null) {
            return writeLength(-1, compact);
        }
        writeLength(r.sizeInBytes(), compact);
        if (r.sizeInBytes() > 0) {
            int n = records.size();
            if (recordPositions.length == n) {
                recordPositions = Arrays.copyOf(recordPositions, Math.max(4, n * 2));
            }
            recordPositions[n] = buf.position();
            records.add(r);
            recordBytes += r.sizeInBytes();
        }
        return this;
    }

    /** Writes a records field that may not be null. */
    public ProtocolWriter writeRecordsField(Records r, boolean compact) {
        if (r == null) {
            throw new IllegalArgumentException("non-nullable records are null");
        }
        return writeRecords(r, compact);
    }

    /** Array count: compact is count+1 as an unsigned varint (0 = null), classic is int32 (-1 = null). */
    public ProtocolWriter writeArrayLength(int count, boolean compact) {
        return writeLength(count, compact);
    }

    /** An empty tagged-field section. */
    public ProtocolWriter writeEmptyTaggedFields() {
        return writeUnsignedVarint(0);
    }

    /**
     * Writes one tagged field whose body {@code body} writes; the size prefix is computed by
     * encoding the body into a scratch writer first (tagged fields are small and rare).
     */
    public ProtocolWriter writeTaggedField(int tag, java.util.function.Consumer<ProtocolWriter> body) {
        ProtocolWriter scratch = new ProtocolWriter();
        body.accept(scratch);
        if (!scratch.records.isEmpty()) {
            throw new IllegalStateException("records inside a tagged field are not supported");
        }
        writeUnsignedVarint(tag);
        writeUnsignedVarint(scratch.buf.position());
        ensure(scratch.buf.position()).put(scratch.buf.array(), 0, scratch.buf.position());
        return this;
    }

    /**
     * Hands the encoded message to {@code visitor} in order: spans of this writer's bytes and the
     * referenced records. The byte array is the writer's own; copy or wrap it before the next reset.
     */
    public void forEachChunk(ChunkVisitor visitor) {
        byte[] bytes = buf.array();
        int from = 0;
        for (int i = 0; i < records.size(); i++) {
            int at = recordPositions[i];
            if (at > from) {
                visitor.onBytes(bytes, from, at - from);
            }
            visitor.onRecords(records.get(i));
            from = at;
        }
        if (buf.position() > from) {
            visitor.onBytes(bytes, from, buf.position() - from);
        }
    }

    /** Copies the whole message, records included, into one new heap buffer (tests, small control messages). */
    public ByteBuffer toByteBuffer() {
        if (size() > Integer.MAX_VALUE) {
            throw new IllegalStateException("message of " + size() + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size());
        forEachChunk(new ChunkVisitor() {
            @Override
            public void onBytes(byte[] bytes, int offset, int length) {
                out.put(bytes, offset, length);
            }

            @Override
            public void onRecords(Records r) {
                r.copyTo(out);
            }
        });
        return out.flip();
    }

    private ProtocolWriter writeLength(int length, boolean compact) {
        return compact ? writeUnsignedVarint(length + 1) : writeInt32(length);
    }

    private ByteBuffer ensure(int bytes) {
        if (buf.remaining() < bytes) {
            int capacity = Math.max(buf.capacity() * 2, buf.position() + bytes);
            ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.BIG_ENDIAN);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        return buf;
    }

    /** Receives the chunks of an encoded message, in order. */
    public interface ChunkVisitor {
        void onBytes(byte[] bytes, int offset, int length);

        void onRecords(Records records);
    }
}
