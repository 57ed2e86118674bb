package io.varve.protocol.record;

import org.agrona.DirectBuffer;

/**
 * A bounded reading cursor over {@code [position, limit)} of a {@link DirectBuffer}, for the varints
 * and small fixed fields of Kafka records. It never reads at or past {@code limit}. A read that would
 * (a truncated field) or a varint with too many continuation bytes sets a sticky {@link #error()};
 * that read and every later one return 0 and leave the position where the error was found, so a
 * decoder reads all its fields and checks once. Nothing throws on bad input and nothing allocates.
 *
 * <p>Not thread-safe: one reader per thread; wrap it again for new bytes.
 */
public final class VarintReader {

    /** What went wrong while reading; {@link #NONE} while all is well. */
    public enum Error {
        NONE,
        /** A field runs past the limit. */
        TRUNCATED,
        /** A varint has more than 5 bytes, or a varlong more than 10. */
        OVERFLOW
    }

    private DirectBuffer buffer;
    private int position;
    private int limit;
    private Error error = Error.NONE;

    /** Reads from {@code position} up to, not including, {@code limit}; clears the error. */
    public VarintReader wrap(DirectBuffer buffer, int position, int limit) {
        if (position < 0 || limit < position || limit > buffer.capacity()) {
            throw new IllegalArgumentException("bad range [" + position + ", " + limit + ") of a buffer of "
                + buffer.capacity() + " bytes");
        }
        this.buffer = buffer;
        this.position = position;
        this.limit = limit;
        this.error = Error.NONE;
        return this;
    }

    public int position() {
        return position;
    }

    public int limit() {
        return limit;
    }

    public int remaining() {
        return limit - position;
    }

    public boolean hasError() {
        return error != Error.NONE;
    }

    public Error error() {
        return error;
    }

    /** Reads a zig-zag int32 varint; 0 and a sticky error if it is truncated or overflows. */
    public int readVarint() {
        if (error != Error.NONE) {
            return 0;
        }
        int raw = 0;
        for (int i = 0; i < Varint.MAX_VARINT_BYTES; i++) {
            if (position + i >= limit) {
                return fail(Error.TRUNCATED);
            }
            int b = buffer.getByte(position + i);
            raw |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                position += i + 1;
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        return fail(Error.OVERFLOW);
    }

    /** Reads a zig-zag int64 varlong; 0 and a sticky error if it is truncated or overflows. */
    public long readVarlong() {
        if (error != Error.NONE) {
            return 0;
        }
        long raw = 0;
        for (int i = 0; i < Varint.MAX_VARLONG_BYTES; i++) {
            if (position + i >= limit) {
                return fail(Error.TRUNCATED);
            }
            long b = buffer.getByte(position + i);
            raw |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                position += i + 1;
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        return fail(Error.OVERFLOW);
    }

    /** Reads one byte; 0 and a sticky error if none remains. */
    public byte readByte() {
        if (error != Error.NONE) {
            return 0;
        }
        if (position >= limit) {
            return (byte) fail(Error.TRUNCATED);
        }
        return buffer.getByte(position++);
    }

    /**
     * Skips {@code length} bytes (a key, a value); a negative length skips nothing. Returns false
     * and sets a sticky error if they are not all there.
     */
    public boolean skip(int length) {
        if (error != Error.NONE) {
            return false;
        }
        if (length <= 0) {
            return true;
        }
        if (length > limit - position) {
            fail(Error.TRUNCATED);
            return false;
        }
        position += length;
        return true;
    }

    private int fail(Error error) {
        this.error = error;
        return 0;
    }

    @Override
    public String toString() {
        return "VarintReader{position=" + position + ", limit=" + limit + ", error=" + error + '}';
    }
}
