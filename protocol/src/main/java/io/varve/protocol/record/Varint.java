package io.varve.protocol.record;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Zig-zag varints as Kafka's record format uses them (the protobuf encoding): an int32 takes 1 to
 * 5 bytes, an int64 1 to 10, seven bits a byte, least significant group first, the high bit of a
 * byte set when another byte follows. Zig-zag maps signed to unsigned so that small magnitudes stay
 * short: {@code 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ...}.
 *
 * <p>Writing and sizing are static. Reading is done by a {@link VarintReader}, which reports a
 * truncated or overflowing varint as a sticky error instead of throwing.
 *
 * <p>Like Kafka's reader, a fifth varint byte (tenth varlong byte) without a continuation bit is
 * accepted whole, its bits beyond 32 (64) discarded; one more continuation byte is an overflow.
 *
 * <p>Thread-safe: no state.
 */
public final class Varint {

    /** Most bytes an int32 varint takes. */
    public static final int MAX_VARINT_BYTES = 5;
    /** Most bytes an int64 varlong takes. */
    public static final int MAX_VARLONG_BYTES = 10;

    /** {@link #readVarint} result: the bytes ran out before the varint ended. */
    public static final long TRUNCATED = 0xFFFF_FFFFL;
    /** {@link #readVarint} result: more continuation bytes than an int32 varint may have. */
    public static final long OVERFLOW = 0xFFFF_FFFEL;

    private Varint() {
    }

    /** Bytes that {@link #writeVarint} needs for {@code value}. */
    public static int sizeOfVarint(int value) {
        int zigzag = (value << 1) ^ (value >> 31);
        // Bits in use, rounded up to groups of seven; zero still takes one byte.
        int bits = 32 - Integer.numberOfLeadingZeros(zigzag | 1);
        return (bits + 6) / 7;
    }

    /** Bytes that {@link #writeVarlong} needs for {@code value}. */
    public static int sizeOfVarlong(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(zigzag | 1);
        return (bits + 6) / 7;
    }

    /**
     * Writes {@code value} zig-zag encoded at {@code index}; returns the bytes written. The caller
     * checks room first ({@link #sizeOfVarint}); the buffer's own bounds check is the last guard.
     */
    public static int writeVarint(MutableDirectBuffer buffer, int index, int value) {
        int zigzag = (value << 1) ^ (value >> 31);
        int i = index;
        while ((zigzag & ~0x7F) != 0) {
            buffer.putByte(i++, (byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        buffer.putByte(i++, (byte) zigzag);
        return i - index;
    }

    /** Writes {@code value} zig-zag encoded at {@code index}; returns the bytes written. */
    public static int writeVarlong(MutableDirectBuffer buffer, int index, long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int i = index;
        while ((zigzag & ~0x7FL) != 0) {
            buffer.putByte(i++, (byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        buffer.putByte(i++, (byte) zigzag);
        return i - index;
    }

    /**
     * Reads a varint at {@code index} without reading at or past {@code limit}. Convenience for one-off
     * reads; for a sequence of fields use a {@link VarintReader}.
     *
     * @return the decoded value in the high 32 bits and the bytes consumed in the low 32 bits, or
     *     {@link #TRUNCATED} / {@link #OVERFLOW} (both have a negative low half)
     */
    public static long readVarint(DirectBuffer buffer, int index, int limit) {
        int raw = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (index + i >= limit) {
                return TRUNCATED;
            }
            int b = buffer.getByte(index + i);
            raw |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                int value = (raw >>> 1) ^ -(raw & 1);
                return ((long) value << 32) | (i + 1);
            }
        }
        return OVERFLOW;
    }

    /** The value half of a successful {@link #readVarint} result. */
    public static int value(long readResult) {
        return (int) (readResult >> 32);
    }

    /** The bytes consumed by a {@link #readVarint} result; negative for {@link #TRUNCATED} or {@link #OVERFLOW}. */
    public static int bytesRead(long readResult) {
        return (int) readResult;
    }
}
