package io.varve.protocol.record.compress;

import org.agrona.DirectBuffer;

/**
 * A {@code byte[]} view of a slice of a {@link DirectBuffer}, which the codec libraries need: the
 * buffer's own array when it is heap-backed, else a copy into a reused scratch array (the slice is a
 * batch's payload, already bounded by the largest batch allowed).
 *
 * <p>Not thread-safe: owned by one compressor or decompressor.
 */
final class InputBytes {

    private byte[] scratch = new byte[0];
    private byte[] array;
    private int offset;

    /** Points {@link #array()} and {@link #offset()} at {@code source[offset, offset+length)}. */
    void wrap(DirectBuffer source, int offset, int length) {
        source.boundsCheck(offset, length);
        byte[] backing = source.byteArray();
        if (backing != null) {
            this.array = backing;
            this.offset = source.wrapAdjustment() + offset;
            return;
        }
        if (scratch.length < length) {
            scratch = new byte[length];
        }
        source.getBytes(offset, scratch, 0, length);
        this.array = scratch;
        this.offset = 0;
    }

    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    /** Drops the references: the caller's array, and the scratch if it holds more than {@code retainBytes}. */
    void trim(int retainBytes) {
        array = null;
        if (scratch.length > retainBytes) {
            scratch = new byte[0];
        }
    }
}
