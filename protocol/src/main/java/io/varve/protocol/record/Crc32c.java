package io.varve.protocol.record;

import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;

/**
 * CRC32C (Castagnoli) over a region of a {@link DirectBuffer}, on or off the heap, without copying.
 * The JDK's intrinsic does the work in both cases. Thread-safe: no shared state.
 */
public final class Crc32c {

    private Crc32c() {
    }

    /** The unsigned CRC32C of {@code length} bytes at {@code offset}, as a Java int (bit pattern). */
    public static int compute(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        byte[] array = buffer.byteArray();
        if (array != null) {
            CRC32C crc = new CRC32C();
            int arrayOffset = (int) (buffer.addressOffset() - org.agrona.BufferUtil.ARRAY_BASE_OFFSET);
            crc.update(array, arrayOffset + offset, length);
            return (int) crc.getValue();
        }
        return org.agrona.checksum.Crc32c.INSTANCE.compute(buffer.addressOffset(), offset, length);
    }
}
