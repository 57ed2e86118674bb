package io.varve.protocol.record.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array with a hard cap: the output of compression and decompression. It grows by
 * doubling but never past {@link #maxBytes()}, so a payload that claims or inflates to more is
 * refused having held at most the cap. Reused across calls; {@link #trim} gives back a large array.
 *
 * <p>Not thread-safe: owned by one compressor or decompressor.
 */
final class ByteSink extends OutputStream {

    private static final int MIN_CAPACITY_BYTES = 4096;

    private byte[] array = new byte[0];
    private int length;
    private int maxBytes;

    /** Empties the sink and sets the most bytes it may hold until the next reset. */
    void reset(int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes);
        }
        this.length = 0;
        this.maxBytes = maxBytes;
    }

    byte[] array() {
        return array;
    }

    int length() {
        return length;
    }

    int maxBytes() {
        return maxBytes;
    }

    /** Bytes that may still be added under the cap. */
    int remainingBytes() {
        return maxBytes - length;
    }

    int capacityBytes() {
        return array.length;
    }

    /**
     * Makes room for {@code additionalBytes} more after {@link #length()}.
     *
     * @return false, growing nothing, if that would pass the cap
     */
    boolean ensureRoom(int additionalBytes) {
        if (additionalBytes < 0 || additionalBytes > maxBytes - length) {
            return false;
        }
        int needed = length + additionalBytes;
        if (needed > array.length) {
            long doubled = Math.max((long) array.length * 2, MIN_CAPACITY_BYTES);
            array = Arrays.copyOf(array, (int) Math.min(Math.max(doubled, needed), maxBytes));
        }
        return true;
    }

    /** Counts {@code bytes} just written into {@link #array()} at {@link #length()}. */
    void advance(int bytes) {
        if (bytes < 0 || bytes > array.length - length) {
            throw new IllegalStateException("advance " + bytes + " past capacity " + array.length);
        }
        length += bytes;
    }

    void putIntBigEndian(int value) {
        requireRoom(Integer.BYTES);
        array[length] = (byte) (value >>> 24);
        array[length + 1] = (byte) (value >>> 16);
        array[length + 2] = (byte) (value >>> 8);
        array[length + 3] = (byte) value;
        length += Integer.BYTES;
    }

    void putIntLittleEndian(int value) {
        putIntBigEndian(Integer.reverseBytes(value));
    }

    /**
     * Reads {@code in} to its end into the sink, within the cap.
     *
     * @return {@link DecompressionStatus#TOO_LARGE} as soon as the stream has more than the cap,
     *         {@link DecompressionStatus#CORRUPT} if reading fails
     */
    DecompressionStatus readFully(InputStream in) {
        try {
            while (true) {
                // The array may be larger than the cap (kept from a call with a higher one): read within both.
                int roomBytes = Math.min(array.length, maxBytes) - length;
                if (roomBytes == 0) {
                    int growBytes = Math.min(MIN_CAPACITY_BYTES, remainingBytes());
                    if (growBytes == 0) {
                        // At the cap: the stream must end here.
                        return in.read() < 0 ? DecompressionStatus.OK : DecompressionStatus.TOO_LARGE;
                    }
                    ensureRoom(growBytes);
                    roomBytes = Math.min(array.length, maxBytes) - length;
                }
                int read = in.read(array, length, roomBytes);
                if (read < 0) {
                    return DecompressionStatus.OK;
                }
                if (read == 0) {
                    return DecompressionStatus.CORRUPT; // no progress on a non-empty read: never loop on it
                }
                length += read;
            }
        } catch (IOException | RuntimeException e) {
            // Codec libraries report malformed input as IOException (ZipException, ZstdIOException) or,
            // for some native errors, as RuntimeException: either way the payload is corrupt.
            return DecompressionStatus.CORRUPT;
        }
    }

    /** Drops the array if it holds more than {@code retainBytes}, so an idle owner keeps little. */
    void trim(int retainBytes) {
        if (array.length > retainBytes) {
            array = new byte[0];
            length = 0;
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (!ensureRoom(1)) {
            throw new IOException("output exceeds " + maxBytes + " bytes");
        }
        array[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!ensureRoom(len)) {
            throw new IOException("output exceeds " + maxBytes + " bytes");
        }
        System.arraycopy(b, off, array, length, len);
        length += len;
    }

    private void requireRoom(int bytes) {
        if (!ensureRoom(bytes)) {
            throw new IllegalStateException("output exceeds " + maxBytes + " bytes");
        }
    }
}
