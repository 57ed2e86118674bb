package io.varve.protocol.codec;

import java.nio.ByteBuffer;

/**
 * The bytes of a records field (record batches) inside a message, kept out of the encoder's own
 * buffer so that the network edge can send them without copying: a broker serves a fetch from a
 * mapped segment slice, a client sends the batch its accumulator built.
 *
 * <p>Whoever creates a {@code Records} owns it and its lifetime; the encoder only references it.
 */
public interface Records {

    int sizeInBytes();

    /** Copies the bytes into {@code dst} at its position, for paths that need one contiguous buffer. */
    void copyTo(ByteBuffer dst);

    /** Records held in a {@link ByteBuffer} (heap or direct), from position to limit. */
    static Records of(ByteBuffer bytes) {
        return new BufferRecords(bytes.slice());
    }

    /** The simplest {@code Records}: a buffer's remaining bytes. */
    record BufferRecords(ByteBuffer buffer) implements Records {

        @Override
        public int sizeInBytes() {
            return buffer.remaining();
        }

        @Override
        public void copyTo(ByteBuffer dst) {
            dst.put(buffer.duplicate());
        }
    }
}
